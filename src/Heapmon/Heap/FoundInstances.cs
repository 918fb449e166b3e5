namespace Heapmon.Heap;

/// <summary>
/// The instances one discovery found and what it took to find them. A full discovery describes one
/// moment, the end of its full GC: every instance alive then, and of the objects made since only
/// those in the few places counted by <see cref="PossiblyNewer"/>.
/// </summary>
public sealed class FoundInstances
{
    internal FoundInstances(IReadOnlyList<object> instances, HeapScope scope, int attempts, long objectsWalked, TimeSpan elapsed, int possiblyNewer, int unfinishedRegions)
    {
        UnfinishedRegions = unfinishedRegions;
        PossiblyNewer = possiblyNewer;
        Instances = instances;
        Scope = scope;
        Attempts = attempts;
        ObjectsWalked = objectsWalked;
        Elapsed = elapsed;
    }

    /// <summary>The instances, as strong references: drop them (or hold them weakly) to not extend their lives.</summary>
    public IReadOnlyList<object> Instances { get; }

    /// <summary>The part of the heap that was walked.</summary>
    public HeapScope Scope { get; }

    /// <summary>Walks it took (1 unless a GC interrupted a walk and it was retried).</summary>
    public int Attempts { get; }

    /// <summary>Objects the successful walk visited.</summary>
    public long ObjectsWalked { get; }

    /// <summary>
    /// How many instances lie where objects made after the moment may lie too: gen0 regions the GC
    /// kept around pinned objects, and the large and pinned object heaps. The others are exactly
    /// the instances alive at the moment. A young discovery counts all of its gen0 instances here.
    /// </summary>
    public int PossiblyNewer { get; }

    /// <summary>
    /// Gen0 regions kept around pinned objects whose walk stopped early: other threads were
    /// allocating into their free gaps, past which nothing can be read safely. Instances past that
    /// point are missing from this result; 0 means every part of the heap was walked to its end.
    /// </summary>
    public int UnfinishedRegions { get; }

    /// <summary>The collection counts at the moment: after a young walk's GC, or at a full walk's moment.</summary>
    internal GcCounts Moment { get; init; }

    /// <summary>Wall time of the whole call, including GCs and retries.</summary>
    public TimeSpan Elapsed { get; }
}
