namespace Heapmon.Tracking;

/// <summary>
/// Decides when a periodic snapshot may find new class instances with a walk of the young
/// generations only (DESIGN.md mechanism 4) instead of a full GC and a whole-heap walk.
/// </summary>
/// <remarks>
/// The Heap layer's young walk starts with a gen1 GC, which promotes gen1 survivors to gen2 before
/// the walk: an instance created after the last walk and already promoted to gen1 by some GC in
/// between would be missed. So the young walk is used only when no GC at all ran since the last
/// complete walk, the tracked classes are the same, and none of them can have instances on the
/// large-object heap (which the young walk skips). Otherwise the walk is full: never a silent miss.
/// </remarks>
internal sealed class WalkPolicy
{
    private int _gcCountAfterWalk = -1;
    private Type[] _walked = [];
    private AllocationMark _mark;

    public bool YoungWalkSuffices(Type[] classes)
        => _gcCountAfterWalk == GC.CollectionCount(0)
           && classes.AsSpan().SequenceEqual(_walked)
           && !Array.Exists(classes, MayBeLarge);

    /// <summary>Allocation counters, read before a walk starts: whatever is allocated after it shows in them.</summary>
    public static AllocationMark Mark()
        => new(GC.GetTotalAllocatedBytes(precise: true), GC.GetAllocatedBytesForCurrentThread(), Environment.CurrentManagedThreadId);

    public void Completed(Type[] classes, AllocationMark before)
    {
        _walked = classes;
        _gcCountAfterWalk = GC.CollectionCount(0);
        _mark = before;
    }

    /// <summary>
    /// Whether no thread but this one has allocated a byte since the last walk began: then there is no
    /// new instance to find (the tracker's own objects are never tracked instances) and a young walk
    /// may be skipped. Exact, from the GC's precise counters; an idle program then costs no walks.
    /// </summary>
    public bool NothingAllocatedElsewhereSince(AllocationMark now)
        => _mark.ThreadId == now.ThreadId && _mark.Total != 0
           && now.Total - _mark.Total == now.OwnThread - _mark.OwnThread;

    /// <summary>Whether instances may be large objects: arrays and strings, and the types they derive from or implement.</summary>
    private static bool MayBeLarge(Type type)
        => type.IsArray || type == typeof(string) || type == typeof(object) || type == typeof(Array)
           || type.IsInterface && (type.IsAssignableFrom(typeof(int[])) || type.IsAssignableFrom(typeof(string))
               || type.IsGenericTypeDefinition && typeof(int[]).GetInterfaces().Concat(typeof(string).GetInterfaces())
                   .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == type));
}

/// <summary>The GC's allocation counters at one point: all threads (precise), and the reading thread's own.</summary>
internal readonly record struct AllocationMark(long Total, long OwnThread, int ThreadId);
