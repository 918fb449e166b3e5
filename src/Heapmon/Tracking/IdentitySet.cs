using System.Runtime.CompilerServices;

namespace Heapmon.Tracking;

/// <summary>
/// The objects of one snapshot by identity, for the sizer's stop test: open addressing on the
/// runtime hash code, reused from one snapshot to the next, emptied after each (it holds strong references).
/// </summary>
internal sealed class IdentitySet
{
    private object?[] _items = new object?[16];
    private int _count;

    public void Fill(ReadOnlySpan<object> objects)
    {
        Clear();
        int size = 16;
        while (size < objects.Length * 2) size *= 2;
        if (_items.Length < size) _items = new object?[size];
        foreach (object obj in objects)
        {
            int mask = _items.Length - 1;
            int probe = RuntimeHelpers.GetHashCode(obj) & mask;
            while (_items[probe] is not null) probe = (probe + 1) & mask;
            _items[probe] = obj;
        }
        _count = objects.Length;
    }

    public bool Contains(object obj)
    {
        if (_count == 0) return false;
        object?[] items = _items;
        int mask = items.Length - 1;
        for (int probe = RuntimeHelpers.GetHashCode(obj) & mask; ; probe = (probe + 1) & mask)
        {
            object? item = items[probe];
            if (item is null) return false;
            if (ReferenceEquals(item, obj)) return true;
        }
    }

    public void Clear()
    {
        if (_count == 0) return;
        Array.Clear(_items);
        _count = 0;
    }
}
