using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>One address range of the heap holding objects of one generation.</summary>
/// <param name="Start">The first object's address.</param>
/// <param name="End">Where the objects end.</param>
/// <param name="Generation">The generation of every object in the range.</param>
/// <param name="EndsAtObject">The GC's figures say an object ends exactly at <paramref name="End"/>; a walk that finds otherwise must not trust them.</param>
/// <param name="KeptAroundPins">A gen0 region a full GC kept in gen0 around pinned objects; its walk may stop early.</param>
internal readonly record struct HeapRange(ulong Start, ulong End, HeapGeneration Generation, bool EndsAtObject = false, bool KeptAroundPins = false);

/// <summary>
/// Where the objects are at one moment: the segments' object ranges by generation and the allocation
/// contexts (which hold no objects yet), read through ClrMD. Valid only until the next GC.
/// </summary>
internal sealed class HeapLayout
{
    private HeapLayout(HeapRange[] ranges, MemoryRange[] contexts, ulong freeMethodTable, ulong[]? anchors = null)
    {
        Anchors = anchors ?? [];
        Ranges = ranges;
        Contexts = contexts;
        FreeMethodTable = freeMethodTable;
    }

    /// <summary>The object ranges, by address.</summary>
    public HeapRange[] Ranges { get; }

    /// <summary>Allocation contexts, sorted by start.</summary>
    public MemoryRange[] Contexts { get; }

    /// <summary>
    /// Addresses where an object is known to start (pinned objects in gen0 regions kept around
    /// pins), sorted: where the walk of a kept region may go on after a stretch it cannot read.
    /// </summary>
    public ulong[] Anchors { get; }

    /// <summary>The MethodTable of free space.</summary>
    public ulong FreeMethodTable { get; }

    /// <summary>Reads the layout of <paramref name="heap"/>, only the young generations when <paramref name="youngOnly"/>.</summary>
    public static HeapLayout Read(ClrHeap heap, bool youngOnly)
    {
        var ranges = new List<HeapRange>(heap.Segments.Length + 8);
        foreach (ClrSegment segment in heap.Segments)
        {
            switch (segment.Kind)
            {
                case GCSegmentKind.Generation0: Add(ranges, segment.ObjectRange, HeapGeneration.Gen0); break;
                case GCSegmentKind.Generation1: Add(ranges, segment.ObjectRange, HeapGeneration.Gen1); break;
                case GCSegmentKind.Ephemeral:
                    // Segments (not regions) GC: one segment holds gen2, gen1 and gen0 in that order.
                    if (!youngOnly) Add(ranges, segment.Generation2, HeapGeneration.Gen2);
                    Add(ranges, segment.Generation1, HeapGeneration.Gen1);
                    Add(ranges, segment.Generation0, HeapGeneration.Gen0);
                    break;
                case GCSegmentKind.Generation2 when !youngOnly: Add(ranges, segment.ObjectRange, HeapGeneration.Gen2); break;
                case GCSegmentKind.Large when !youngOnly: Add(ranges, segment.ObjectRange, HeapGeneration.Large); break;
                case GCSegmentKind.Pinned when !youngOnly: Add(ranges, segment.ObjectRange, HeapGeneration.Pinned); break;
                case GCSegmentKind.Frozen when !youngOnly: Add(ranges, segment.ObjectRange, HeapGeneration.Frozen); break;
            }
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));

        var contexts = new List<MemoryRange>(64);
        foreach (MemoryRange context in heap.EnumerateAllocationContexts())
            if (context.Start != 0 && context.End > context.Start) contexts.Add(context);
        contexts.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new HeapLayout([.. ranges], [.. contexts], heap.FreeType.MethodTable);
    }

    /// <summary>The same layout restricted to <paramref name="ranges"/> (sorted by address), with <paramref name="anchors"/>.</summary>
    public HeapLayout WithRanges(HeapRange[] ranges, ulong[] anchors) => new(ranges, Contexts, FreeMethodTable, anchors);

    private static void Add(List<HeapRange> ranges, MemoryRange range, HeapGeneration generation)
    {
        if (range.Start != 0 && range.End > range.Start) ranges.Add(new HeapRange(range.Start, range.End, generation));
    }
}
