namespace Heapmon.Heap;

/// <summary>
/// Objects' shallow sizes in a byte each rather than four: the size in 8-byte steps when it is one of 1..255
/// (every object under 2 KB, nearly all of a heap), else 0 and the exact size in a side table.
/// </summary>
internal sealed class ObjectSizes
{
    private const int MaxUnits = byte.MaxValue;
    private byte[] _units;
    private readonly Dictionary<int, uint> _large = [];

    public ObjectSizes(int capacity) => _units = new byte[capacity];

    /// <summary>The sizes of objects 0..<paramref name="count"/>-1.</summary>
    public static ObjectSizes From(uint[] sizes, int count)
    {
        var result = new ObjectSizes(count);
        for (int v = 0; v < count; v++) result.Set(v, sizes[v]);
        return result;
    }

    /// <summary>Slots, set or not.</summary>
    public int Capacity => _units.Length;

    /// <summary>The shallow size of object <paramref name="v"/> in bytes.</summary>
    public uint this[int v]
    {
        get
        {
            byte units = _units[v];
            return units != 0 ? units * 8u : _large[v];
        }
    }

    public void Set(int v, uint size)
    {
        if (size % 8 == 0 && size / 8 is > 0 and <= MaxUnits)
        {
            _units[v] = (byte)(size / 8);
            return;
        }
        _units[v] = 0;
        _large[v] = size;
    }

    /// <summary>Room for <paramref name="capacity"/> objects, the sizes set so far kept.</summary>
    public void Resize(int capacity) => Array.Resize(ref _units, capacity);

    /// <summary>The sizes of objects 0..<paramref name="count"/>-1 as an array (for a graph kept whole).</summary>
    public uint[] ToArray(int count)
    {
        var sizes = new uint[count];
        for (int v = 0; v < count; v++) sizes[v] = this[v];
        return sizes;
    }
}
