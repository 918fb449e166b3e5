namespace Heapmon.Heap;

/// <summary>
/// Objects' type indexes in two bytes each rather than four while the walk has met at most 65,536 types
/// (nearly always); the first index above that widens them all to ints.
/// </summary>
internal sealed class ObjectTypes
{
    private ushort[]? _narrow;
    private int[]? _wide;

    public ObjectTypes(int capacity) => _narrow = new ushort[capacity];

    /// <summary>The type indexes of objects 0..<paramref name="count"/>-1.</summary>
    public static ObjectTypes From(int[] typeIds, int count)
    {
        var result = new ObjectTypes(count);
        for (int v = 0; v < count; v++) result.Set(v, typeIds[v]);
        return result;
    }

    /// <summary>Whether the indexes take two bytes an object.</summary>
    public bool IsNarrow => _narrow is not null;

    /// <summary>The type index of object <paramref name="v"/>.</summary>
    public int this[int v] => _narrow is { } narrow ? narrow[v] : _wide![v];

    public void Set(int v, int typeId)
    {
        if (_narrow is { } narrow)
        {
            if ((uint)typeId <= ushort.MaxValue)
            {
                narrow[v] = (ushort)typeId;
                return;
            }
            _wide = new int[narrow.Length];
            for (int i = 0; i < narrow.Length; i++) _wide[i] = narrow[i];
            _narrow = null;
        }
        _wide![v] = typeId;
    }

    /// <summary>Room for <paramref name="capacity"/> objects, the indexes set so far kept.</summary>
    public void Resize(int capacity)
    {
        if (_narrow is not null) Array.Resize(ref _narrow, capacity);
        else Array.Resize(ref _wide, capacity);
    }
}
