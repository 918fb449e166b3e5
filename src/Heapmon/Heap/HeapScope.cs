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

    /// <summary>
    /// Only the gen0 and gen1 regions, after a blocking gen0 GC, which promotes nothing out of gen1: every
    /// instance made since the last gen1 or older GC is found (compare <c>GC.CollectionCount(1)</c> before and
    /// after, since the GC may run an older collection instead). Gen1 may still hold instances that became
    /// unreachable after they were promoted, as a weak reference still returns an object the GC has not collected.
    /// Large and pinned objects are not included.
    /// </summary>
    YoungAfterGen0,
}
