namespace Heapmon.Heap;

/// <summary>What a heap snapshot keeps and how hard it tries; immutable, presets <see cref="Default"/> and <see cref="WithGraph"/>.</summary>
public sealed record HeapSnapshotOptions
{
    /// <summary>Per-type figures, roots, the 20 largest retainers; no object graph.</summary>
    public static HeapSnapshotOptions Default { get; } = new();

    /// <summary>As <see cref="Default"/>, and the whole object graph kept for later path queries (<c>--graph</c>).</summary>
    public static HeapSnapshotOptions WithGraph { get; } = new() { IncludeGraph = true };

    /// <summary>Keep the object graph (types, sizes, references, roots) in the snapshot; about 12 bytes per object in the file.</summary>
    public bool IncludeGraph { get; init; }

    /// <summary>How many of the objects with the largest retained size to report (MAT: biggest objects), at least 1.</summary>
    public int TopRetainers { get; init; } = 20;

    /// <summary>How many walks to try before giving up with a <see cref="HeapWalkException"/> (at least 1).</summary>
    public int MaxAttempts { get; init; } = 4;

    internal void Validate()
    {
        if (TopRetainers < 1)
            throw new ArgumentOutOfRangeException(nameof(TopRetainers), TopRetainers, "TopRetainers must be at least 1.");
        if (MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be at least 1.");
    }
}
