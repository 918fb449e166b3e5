using System.Runtime;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// The moment a full discovery reports: the end of the last full blocking GC before its walk.
/// Gen1 and gen2 receive objects only during a GC, so what the walk finds there is exactly what
/// survived that GC. Gen0 is where every thread allocates afterwards; a full GC empties it except
/// for regions it keeps in gen0 around pinned objects (in the small programs measured here, the
/// runtime's own pinned object kept 104 bytes that way). The GC's own figures say how many bytes
/// survived in gen0, and pinned handles say where; only those gen0 regions are walked.
/// </summary>
internal readonly struct GcMoment
{
    private readonly long _gen0Bytes;
    private readonly long _gen0Survivors;
    private readonly long _pinnedObjects;

    private GcMoment(long gen0Bytes, long gen0Survivors, long pinnedObjects)
    {
        _gen0Bytes = gen0Bytes;
        _gen0Survivors = gen0Survivors;
        _pinnedObjects = pinnedObjects;
    }

    /// <summary>
    /// The GC's figures for the last GC, or null when they cannot be trusted (retry). Call after the
    /// sentinel started: then the sentinel proves that no GC ran between that GC and the walk's end.
    /// <paramref name="before"/>: the GC index and gen0 count right after the full GC (<see cref="HeapSession"/>).
    /// </summary>
    public static GcMoment? Read((long Index, int Collections) before)
    {
        // Measured: the region's own GC, when it runs one, is usually recorded like any other GC but
        // not always; trust the figures only when every GC since the full GC was recorded.
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.Any);
        if (info.Index - before.Index != GC.CollectionCount(0) - before.Collections) return null;
        if (info.Generation != GC.MaxGeneration || info.Concurrent) return null;
        GCGenerationInfo gen0 = info.GenerationInfo[0];
        return new GcMoment(gen0.SizeAfterBytes, gen0.SizeAfterBytes - gen0.FragmentationAfterBytes, info.PinnedObjectsCount);
    }

    /// <summary>
    /// <paramref name="layout"/> cut to the ranges that can hold an object alive at the moment: every
    /// range but gen0, and of gen0 only the regions that hold a pinned object (all of gen0 when a pin
    /// the handles do not explain, a stack pin, may have kept another region), with the pinned
    /// objects as anchors for their walk.
    /// </summary>
    public HeapLayout Select(HeapLayout layout, ClrRuntime runtime)
    {
        var ranges = new List<HeapRange>(layout.Ranges.Length);
        foreach (HeapRange range in layout.Ranges)
            if (range.Generation != HeapGeneration.Gen0) ranges.Add(range);
        if (_gen0Survivors <= 0) return layout.WithRanges([.. ranges], []);

        HashSet<ulong> pinned = PinnedHandles.Targets(runtime);
        var gen0 = new List<HeapRange>();
        bool unexplained = pinned.Count < _pinnedObjects;
        foreach (HeapRange range in layout.Ranges)
        {
            if (range.Generation != HeapGeneration.Gen0) continue;
            if (unexplained || pinned.Any(a => a >= range.Start && a < range.End)) gen0.Add(range with { KeptAroundPins = true });
        }
        // One region kept: the GC's gen0 size is its size at the moment, and everything past that was
        // allocated since (and may not even be constructed yet). The walk checks an object ends there.
        if (!unexplained && gen0.Count == 1 && (ulong)_gen0Bytes <= gen0[0].End - gen0[0].Start)
            gen0[0] = gen0[0] with { End = gen0[0].Start + (ulong)_gen0Bytes, EndsAtObject = true };
        ranges.AddRange(gen0);
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        ulong[] anchors = [.. pinned.Where(a => gen0.Exists(r => a >= r.Start && a < r.End)).Order()];
        return layout.WithRanges([.. ranges], anchors);
    }
}
