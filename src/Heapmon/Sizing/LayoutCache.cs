using System.Runtime.CompilerServices;

namespace Heapmon.Sizing;

/// <summary>MethodTable → <see cref="TypeLayout"/> for one set of options: a direct-mapped array in front of a dictionary.</summary>
internal sealed class LayoutCache(SizingOptions options)
{
    private const int Slots = 1024;

    private struct Entry
    {
        public nint MethodTable;
        public TypeLayout? Layout;
    }

    private readonly Entry[] _entries = new Entry[Slots];
    private readonly Dictionary<nint, TypeLayout> _all = [];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TypeLayout Get(object obj)
    {
        nint mt = ObjectLayout.MethodTable(obj);
        ref Entry entry = ref _entries[Slot(mt)];
        return entry.MethodTable == mt ? entry.Layout! : Miss(mt, obj);
    }

    // MethodTables of one module sit close together: fold higher bits in so neighbours rarely collide.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(nint mt) => (int)((mt >> 3) ^ (mt >> 13)) & (Slots - 1);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TypeLayout Miss(nint mt, object obj)
    {
        if (!_all.TryGetValue(mt, out TypeLayout? layout))
        {
            layout = TypeLayout.Create(mt, obj.GetType(), options);
            _all.Add(mt, layout);
        }
        ref Entry entry = ref _entries[Slot(mt)];
        entry.MethodTable = mt;
        entry.Layout = layout;
        return layout;
    }
}
