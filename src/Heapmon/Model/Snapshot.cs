namespace Heapmon.Model;

/// <summary>
/// One labelled snapshot: when, what the process and the GC looked like, and the tracked classes'
/// totals (Pympler: the Snapshot of ClassTracker.create_snapshot). Plain data, safe to keep.
/// </summary>
/// <param name="Index">Position in the tracker's list, from 0.</param>
/// <param name="Timestamp">When the snapshot was taken.</param>
/// <param name="Description">The label given to <c>CreateSnapshot</c>, if any.</param>
/// <param name="Process">Resident and virtual size of the process.</param>
/// <param name="Gc">The GC's own figures at that moment.</param>
/// <param name="TrackedTotal">Sum of the sizes of every tracked object alive at the snapshot.</param>
/// <param name="HeapTotal">Total live managed heap from a heap census, when <c>computeTotal</c> was asked.</param>
/// <param name="Classes">Per tracked class: active instances, total, average and share.</param>
public sealed record Snapshot(
    int Index,
    DateTimeOffset Timestamp,
    string? Description,
    ProcessMemory Process,
    GcFigures Gc,
    long TrackedTotal,
    long? HeapTotal,
    IReadOnlyList<ClassSummary> Classes)
{
    /// <summary>
    /// The total that class shares are measured against: the census total when taken, else the GC heap
    /// size after the last GC; never less than the tracked objects it contains (before a program's
    /// first GC the GC reports a heap smaller than what has been allocated).
    /// </summary>
    public long Total => Math.Max(HeapTotal ?? Gc.HeapSizeBytes, TrackedTotal);

    /// <summary><paramref name="bytes"/> as a fraction of <see cref="Total"/> (0 when the total is 0): what summaries print as pct.</summary>
    public double ShareOf(long bytes) => Total > 0 ? (double)bytes / Total : 0;
}

/// <summary>Resident set and virtual size of the process, in bytes (Pympler: ProcessMemoryInfo).</summary>
public sealed record ProcessMemory(long ResidentBytes, long VirtualBytes);

/// <summary>The GC's figures at a snapshot, from <see cref="GC.GetGCMemoryInfo()"/> and friends.</summary>
/// <param name="HeapSizeBytes">Managed heap size after the last GC, as the GC reports it.</param>
/// <param name="CommittedBytes">Memory the GC has committed.</param>
/// <param name="FragmentedBytes">Free space inside the heap after the last GC.</param>
/// <param name="Generations">Size and fragmentation of gen0, gen1, gen2, LOH and POH after the last GC.</param>
/// <param name="CollectionCounts">Collections so far, by generation (0, 1, 2).</param>
/// <param name="TotalAllocatedBytes">Bytes allocated by the process since it started (exact).</param>
public sealed record GcFigures(
    long HeapSizeBytes,
    long CommittedBytes,
    long FragmentedBytes,
    IReadOnlyList<GenerationFigures> Generations,
    IReadOnlyList<int> CollectionCounts,
    long TotalAllocatedBytes);

/// <summary>One generation's size and fragmentation after the last GC.</summary>
public sealed record GenerationFigures(string Name, long SizeAfterBytes, long FragmentationAfterBytes);

/// <summary>A tracked class's line in a snapshot (Pympler: snapshot.classes[name]).</summary>
/// <param name="ClassName">Full name of the tracked type, as shown in reports.</param>
/// <param name="Active">Instances alive at the snapshot.</param>
/// <param name="Total">Sum of their sizes, in bytes.</param>
/// <param name="Average">Total divided by active (0 when none).</param>
/// <param name="Share">Total as a fraction of the snapshot's <see cref="Snapshot.Total"/>, 0 to 1.</param>
public sealed record ClassSummary(string ClassName, int Active, long Total, long Average, double Share);
