using System.Diagnostics;
using System.Runtime.CompilerServices;
using Heapmon.Heap;

namespace Heapmon.Tracking;

/// <summary>
/// The tracker's discovery: finds the instances of the tracked classes with a heap walk, a young one
/// when <see cref="WalkPolicy"/> proves it finds every instance made since the last walk, none when
/// nothing but the tracker allocated since, a full one otherwise. With bounded full walks, a periodic snapshot that
/// would need a full walk sooner than <see cref="FullWalkShare"/> allows walks the young generations instead, and the instances
/// the program's GCs moved out of their reach are found by the next full walk. Called under the snapshot gate only.
/// </summary>
internal sealed class InstanceDiscovery
{
    private readonly IInstanceSource _source;
    private readonly WalkPolicy _walks = new();
    private readonly FullWalkShare? _fullWalks;
    private readonly bool _youngWalks;
    private readonly TrackerDiagnostics _diagnostics;

    /// <summary>
    /// Discovery through <paramref name="source"/>; <paramref name="youngWalks"/>: whether periodic snapshots may walk only the young
    /// generations (<see cref="ClassTrackerOptions.YoungWalks"/>); <paramref name="boundFullWalks"/>: whether they keep full walks
    /// within their share of the time (<see cref="ClassTrackerOptions.BoundFullWalks"/>).
    /// </summary>
    public InstanceDiscovery(IInstanceSource source, bool youngWalks, TrackerDiagnostics diagnostics, bool boundFullWalks = false)
    {
        _fullWalks = boundFullWalks ? new FullWalkShare() : null;
        _source = source;
        _youngWalks = youngWalks;
        _diagnostics = diagnostics;
    }

    /// <summary>The instances of <paramref name="type"/> alive now, from a full walk.</summary>
    /// <exception cref="HeapWalkException">No consistent view of the heap could be had.</exception>
    public IReadOnlyList<object> Existing(Type type) => _source.Find([type], youngSince: null)?.Instances ?? [];

    /// <summary>
    /// The live instances of <paramref name="classes"/> a snapshot takes on; null when there is nothing to
    /// look for, the walk was skipped, or no consistent view of the heap could be had (the snapshot then
    /// goes on without new instances, never with wrong ones).
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public IReadOnlyList<object>? Find(Type[] classes, bool periodic)
    {
        if (classes.Length == 0) return null;
        GcCounts? youngSince = periodic ? _walks.YoungSince(classes) : null;
        AllocationMark mark = WalkPolicy.Mark();
        if (youngSince is not null && _walks.NothingAllocatedElsewhereSince(mark))
        {
            _diagnostics.SkippedWalk();
            return null;
        }
        Discovered? discovered = null;
        if (youngSince is not null && _youngWalks)
        {
            discovered = TryFind(classes, youngSince);
            _diagnostics.YoungWalk();
        }
        if (discovered is null && youngSince is null && periodic && _youngWalks && _fullWalks is { } share && !share.Affordable() && _walks.Walked(classes))
        {
            // The program's GCs moved instances out of a young walk's reach, but a full walk now would cost more
            // than its share: find what the young generations hold, and leave the rest to the next full walk.
            _diagnostics.DeferredWalk();
            return TryFind(classes, youngSince: GcCounts.Now())?.Instances;
        }
        if (discovered is null)
        {
            // No young walk, or one that could not vouch for every new instance: the whole heap, now.
            long started = Stopwatch.GetTimestamp();
            discovered = TryFind(classes, youngSince: null);
            _fullWalks?.Took(started);
            _diagnostics.FullWalk();
        }
        if (discovered is null)
        {
            _diagnostics.DiscoveryFailed();
            return null;
        }
        _walks.Completed(classes, discovered.Moment, mark);
        return discovered.Instances;
    }

    /// <summary>The total live managed heap in bytes, from a census; null when unavailable.</summary>
    public long? HeapTotal() => _source.HeapTotal();

    /// <summary>No consistent view: the snapshot goes on without new instances, never with wrong ones.</summary>
    private Discovered? TryFind(Type[] classes, GcCounts? youngSince)
    {
        try
        {
            return _source.Find(classes, youngSince);
        }
        catch (HeapWalkException)
        {
            return null;
        }
    }
}
