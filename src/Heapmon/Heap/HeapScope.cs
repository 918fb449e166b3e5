namespace Heapmon.Heap;

/// <summary>Which part of the managed heap a discovery walks.</summary>
public enum HeapScope
{
    /// <summary>The whole heap, after a full blocking GC (Pympler: muppy.get_objects).</summary>
    Full,

    /// <summary>
    /// Only the gen0 and gen1 regions, after a blocking gen0 GC (which leaves gen1 alone): every
    /// instance created since the last gen1 or gen2 GC, cheap enough for periodic snapshots. Garbage
    /// already in gen1 can be among them. Large and pinned objects are not included.
    /// </summary>
    Young,
}
