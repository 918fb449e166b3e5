namespace Heapmon.Heap;

/// <summary>Which part of the managed heap a discovery walks.</summary>
public enum HeapScope
{
    /// <summary>The whole heap, after a full blocking GC (Pympler: muppy.get_objects).</summary>
    Full,

    /// <summary>
    /// Only the gen0 and gen1 regions, after a blocking gen1 GC: the instances created since the last
    /// full walk, cheap enough for periodic snapshots. Large and pinned objects are not included.
    /// </summary>
    Young,
}
