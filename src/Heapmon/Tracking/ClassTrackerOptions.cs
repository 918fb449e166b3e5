using Heapmon.Heap;
using Heapmon.Sizing;

namespace Heapmon.Tracking;

/// <summary>
/// How a <see cref="ClassTracker"/> sizes its objects and finds class instances (Pympler: the
/// ClassTracker's asizeof options); immutable, fixed when the tracker is made. Start from a preset
/// and adjust with <c>with { ... }</c>.
/// </summary>
public sealed record ClassTrackerOptions
{
    /// <summary>The defaults: <see cref="SizingOptions.Default"/> sizes, young-generation walks between full walks, <see cref="HeapWalkOptions.Default"/> limits.</summary>
    public static ClassTrackerOptions Default { get; } = new();

    /// <summary>Sizes count everything reachable from a tracked object (<see cref="SizingOptions.Reachable"/>), as Pympler's asizeof does by default.</summary>
    public static ClassTrackerOptions Reachable { get; } = new() { Sizing = SizingOptions.Reachable };

    /// <summary>
    /// Periodic snapshots never walk only the young generations: each class discovery is a full GC and a
    /// whole-heap walk (one is still skipped when no other thread has allocated since the last).
    /// </summary>
    public static ClassTrackerOptions FullWalks { get; } = new() { YoungWalks = false };

    /// <summary>
    /// The profiler's tracker in a running program (<c>heapmon run</c>, <c>heapmon track --pid</c>): full walks bounded to their
    /// share of the time, and a 32 MiB no-GC budget (the GC commits the budget: 256 MiB of it showed as a service's committed memory).
    /// </summary>
    internal static ClassTrackerOptions Profiler { get; } = new()
    {
        BoundFullWalks = true,
        Discovery = HeapWalkOptions.Default with { NoGCRegionBytes = 32L << 20 },
    };

    /// <summary>
    /// What a tracked object's size counts (Pympler: asizeof's options). Tracked objects always stop
    /// each other's walks, whatever these say: no object is counted inside another.
    /// </summary>
    public SizingOptions Sizing { get; init; } = SizingOptions.Default;

    /// <summary>
    /// Whether a periodic snapshot may find new class instances by walking only the young generations
    /// (after a gen0 GC) when the collection counts prove every instance made since the last walk is
    /// there. False: every such snapshot walks the whole heap, after a full GC. Either way nothing is missed.
    /// </summary>
    public bool YoungWalks { get; init; } = true;

    /// <summary>
    /// Whether periodic snapshots keep full walks within a twentieth of the time (<see cref="FullWalkShare"/>): between two
    /// full walks, instances the program's GCs moved out of a young walk's reach are found by the next one. Set by the
    /// profiler in a running service (<c>heapmon run</c>, <c>heapmon track --pid</c>), where each periodic snapshot need
    /// not be exact; the library's default keeps every periodic snapshot exact.
    /// </summary>
    internal bool BoundFullWalks { get; init; }

    /// <summary>
    /// Limits of each heap walk that finds class instances: attempts and no-GC region budget
    /// (<see cref="HeapWalkOptions.Scope"/> must stay <see cref="HeapScope.Full"/>; the tracker picks young walks itself).
    /// </summary>
    public HeapWalkOptions Discovery { get; init; } = HeapWalkOptions.Default;

    /// <summary>
    /// How many snapshots the tracker keeps, the newest; older ones are dropped with their samples as new ones
    /// come. Null (the default) keeps every one, as Pympler does. A service that only publishes the
    /// <c>Heapmon</c> meter from periodic snapshots for days keeps a few, so the tracker's memory stays flat.
    /// </summary>
    public int? MaxSnapshots { get; init; }

    /// <summary>Refuses bad options before the tracker is made, with the option's name in the message.</summary>
    internal void Validate()
    {
        if (Sizing is null)
            throw new ArgumentNullException(nameof(Sizing), "ClassTrackerOptions.Sizing is null; use SizingOptions.Default for the default sizes.");
        if (Discovery is null)
            throw new ArgumentNullException(nameof(Discovery), "ClassTrackerOptions.Discovery is null; use HeapWalkOptions.Default for the default limits.");
        if (Discovery.Scope != HeapScope.Full)
            throw new ArgumentException($"ClassTrackerOptions.Discovery.Scope is {Discovery.Scope}; it must be Full: the tracker chooses young walks itself (see YoungWalks).", nameof(Discovery));
        if (MaxSnapshots is < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxSnapshots), MaxSnapshots, "ClassTrackerOptions.MaxSnapshots must be at least 1, or null to keep every snapshot.");
        Sizing.Validate();
        Discovery.Validate();
    }
}
