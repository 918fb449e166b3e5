namespace Heapmon.Heap;

/// <summary>The GC's collection counts for gen0, gen1 and gen2 (background GCs count in gen2) at one point.</summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>
    /// Whether a young walk whose own gen0 GC left the counts at <see langword="this"/> finds every instance
    /// made since the moment <paramref name="since"/> of an earlier walk. Only a gen1 or gen2 GC moves objects
    /// into gen2, out of a young walk's reach. So either no gen1 or gen2 GC ran since (however many gen0 GCs),
    /// or the walk's own GC is the only GC since: then everything made since was in gen0 when it ran, and it
    /// moved those objects one generation up, to gen1, even when it also collected gen1 (which held only
    /// objects the earlier walk had already seen). A background GC (gen2) always fails the test: it was
    /// measured to move instances into gen2 without moving the gen1 count.
    /// </summary>
    public bool YoungWalkFindsAllMadeSince(GcCounts since)
        => Gen2 == since.Gen2 && (Gen1 == since.Gen1 || Gen0 == since.Gen0 + 1);
}
