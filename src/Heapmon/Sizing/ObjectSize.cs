namespace Heapmon.Sizing;

/// <summary>Exact sizes of objects and object graphs, as the GC allocates them (Pympler: asizeof).</summary>
public static class ObjectSize
{
    /// <summary>
    /// The bytes the GC allocated for <paramref name="obj"/> alone, header included, rounded up to 8
    /// (Pympler: flatsize). A value type is measured as its box.
    /// </summary>
    public static long Shallow(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return ObjectLayout.ShallowSize(obj);
    }

    /// <summary>
    /// <paramref name="obj"/> plus every object reachable from it through reference fields, array elements
    /// and references inside structs, each counted once (Pympler: asizeof).
    /// </summary>
    public static long Deep(object obj, SizingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Sizer.ForOneCall(options).Deep(obj);
    }

    /// <summary>
    /// The size tree of <paramref name="obj"/>: its referents down to <paramref name="detail"/> levels, deeper
    /// objects folded into their ancestor's size (Pympler: asized(obj, detail=N)).
    /// </summary>
    public static SizedObject Measure(object obj, int detail, SizingOptions? options = null)
    {
        Sizer.CheckMeasureArguments(obj, detail);
        return Sizer.ForOneCall(options).Measure(obj, detail);
    }
}
