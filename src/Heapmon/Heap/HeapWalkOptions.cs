namespace Heapmon.Heap;

/// <summary>Limits of one instance discovery; immutable, presets <see cref="Default"/> and <see cref="Young"/>.</summary>
public sealed record HeapWalkOptions
{
    /// <summary>The whole heap, up to 8 attempts, a 256 MiB no-GC budget.</summary>
    public static HeapWalkOptions Default { get; } = new();

    /// <summary>Only the young generations (for periodic snapshots between full walks).</summary>
    public static HeapWalkOptions Young { get; } = new() { Scope = HeapScope.Young };

    /// <summary>Which part of the heap to walk.</summary>
    public HeapScope Scope { get; init; } = HeapScope.Full;

    /// <summary>How many walks to try before giving up with a <see cref="HeapWalkException"/> (at least 1).</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>
    /// Bytes every thread together may allocate while a full walk holds its no-GC region (the second and later
    /// attempts hold one; a walk under 550 MB/s of allocation takes ~35 ms, ~20 MB). Allocating more ends the region, and the
    /// walk is retried. The GC sets the budget aside as gen0 regions (measured: the committed figure
    /// grows by it while RSS does not), and every later walk reads those regions, so it is kept modest.
    /// </summary>
    public long NoGCRegionBytes { get; init; } = 256L << 20;

    /// <summary>
    /// For a young walk: the collection counts at the moment of the walk before it. Given, the walk stands
    /// when its own GC is the only one since, even if that GC collected gen1 too (see <see cref="GcCounts.YoungWalkFindsAllMadeSince"/>).
    /// </summary>
    internal GcCounts? Since { get; init; }

    internal void Validate()
    {
        if (MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be at least 1.");
        if (NoGCRegionBytes < 1 << 20)
            throw new ArgumentOutOfRangeException(nameof(NoGCRegionBytes), NoGCRegionBytes, "NoGCRegionBytes must be at least 1 MiB.");
        if (!Enum.IsDefined(Scope))
            throw new ArgumentOutOfRangeException(nameof(Scope), Scope, "Unknown heap scope.");
    }
}
