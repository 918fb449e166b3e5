namespace Heapmon.Heap;

/// <summary>
/// How a <see cref="HeapSession"/> takes its moment: which GC, from which attempt a no-GC region and with
/// which budget, how many attempts. Presets for each kind of walk.
/// </summary>
internal sealed record HeapSessionPlan
{
    // ClrMD allocates as it walks (measured: ~300 bytes per object it visits, ~15x a heap of small
    // objects), and every byte counts against the region: an analysis sizes its budget from the heap
    // and grows it when a walk runs out. The GC commits the whole budget (RSS does not grow: the pages
    // are not touched) until a later GC gives it back, so the first try stays at most 4 GB.
    private const long AnalysisMinimumBudget = 128L << 20;
    private const long AnalysisFirstMaximum = 4L << 30;
    private const long AnalysisMaximumBudget = 16L << 30;

    /// <summary>A full blocking GC starts each attempt; false: a blocking gen0 GC, which leaves gen1 in reach of a young walk.</summary>
    public bool FullGc { get; init; } = true;

    /// <summary>Attempts before the session gives up with a <see cref="HeapWalkException"/>.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The no-GC region's budget in bytes (every thread's allocations count); 0: no region.</summary>
    public long RegionBytes { get; init; }

    /// <summary>The first attempt that holds a region (1-based); every later one holds one too.</summary>
    public int RegionFromAttempt { get; init; } = 1;

    /// <summary>After an attempt that ran out of budget, the next gets four times as much, up to this.</summary>
    public long MaxRegionBytes { get; init; }

    /// <summary>
    /// Instance discovery. Full: a full GC; the first attempt without a region (its GC is a second full
    /// GC, and measured in a program replacing 10,000 instances a second, after ~100 GCs every region's GC
    /// went unrecorded in the GC's figures), the later ones with <see cref="HeapWalkOptions.NoGCRegionBytes"/>.
    /// Young: a gen0 GC and no region (the region's own GC would be a full one).
    /// </summary>
    public static HeapSessionPlan Discovery(HeapWalkOptions options) => options.Scope == HeapScope.Young
        ? new() { FullGc = false, MaxAttempts = options.MaxAttempts }
        : new() { MaxAttempts = options.MaxAttempts, RegionBytes = options.NoGCRegionBytes, MaxRegionBytes = options.NoGCRegionBytes, RegionFromAttempt = 2 };

    /// <summary>The census: a full GC and a region on every attempt.</summary>
    public static HeapSessionPlan Census(HeapWalkOptions options)
        => new() { MaxAttempts = options.MaxAttempts, RegionBytes = options.NoGCRegionBytes, MaxRegionBytes = options.NoGCRegionBytes };

    /// <summary>A ClrMD analysis of the whole heap (retention paths, cycles): a full GC and a region sized from the heap.</summary>
    public static HeapSessionPlan Analysis() => new()
    {
        MaxAttempts = 3,
        RegionBytes = Math.Clamp(GC.GetGCMemoryInfo().HeapSizeBytes * 16, AnalysisMinimumBudget, AnalysisFirstMaximum),
        MaxRegionBytes = AnalysisMaximumBudget,
    };

    /// <summary>
    /// A whole-heap snapshot (every object and reference): a full GC and a region on every attempt, sized from
    /// the heap, since the walk's own arrays (about 24 bytes per object) and ClrMD's allocations count against it.
    /// </summary>
    public static HeapSessionPlan Snapshot(int maxAttempts)
    {
        long heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        return new()
        {
            MaxAttempts = maxAttempts,
            RegionBytes = Math.Clamp(heap * 2 + (256L << 20), 256L << 20, 16L << 30),
            MaxRegionBytes = 32L << 30,
        };
    }
}
