using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>
/// The profiler's periodic snapshots keep full walks within their share of the time: one that would need a full
/// walk right after another walks the young generations, and the next full walk counts what it could not reach.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class BoundedFullWalkTests
{
    private sealed class Sapling
    {
        public int Number;
    }

    [Fact]
    public void AFullWalkTooSoonIsDeferredAndTheNextOneCountsEveryInstance()
    {
        using var tracker = new ClassTracker(ClassTrackerOptions.Default with { BoundFullWalks = true });
        tracker.TrackClass<Sapling>();
        var alive = Enumerable.Range(0, 100).Select(i => new Sapling { Number = i }).ToList();
        tracker.TakeSnapshot("full walk", computeTotal: false, periodic: false);

        AddPromoted(alive);
        Snapshot deferred = tracker.TakeSnapshot("right after", computeTotal: false, periodic: true);

        // The gen1 GC may have moved the 40 to gen2, out of a young walk's reach: no full walk ran for them, and
        // the snapshot counts what it found (the GC decides whether it promoted them; it never counts more than are alive).
        Assert.Equal(1, tracker.Diagnostics.DeferredWalks);
        Assert.Equal(1, tracker.Diagnostics.Walks.Full);
        Assert.InRange(deferred.Classes.Sum(c => c.Active), 100, alive.Count);

        // Once a full walk fits its share again, the next periodic snapshot walks the whole heap and counts them all.
        Snapshot? caughtUp = null;
        for (int tries = 0; tries < 300 && tracker.Diagnostics.Walks.Full < 2; tries++)
        {
            Thread.Sleep(100);
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            caughtUp = tracker.TakeSnapshot($"try {tries}", computeTotal: false, periodic: true);
        }
        Assert.Equal(2, tracker.Diagnostics.Walks.Full);
        Assert.Equal(alive.Count, caughtUp!.Classes.Sum(c => c.Active));
        GC.KeepAlive(alive);
    }

    [Fact]
    public void TheLibrarysOwnTrackerNeverDefers()
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass<Sapling>();
        var alive = new List<Sapling>();
        tracker.TakeSnapshot("full walk", computeTotal: false, periodic: false);

        AddPromoted(alive);
        Snapshot snapshot = tracker.TakeSnapshot("right after", computeTotal: false, periodic: true);

        Assert.Equal(0, tracker.Diagnostics.DeferredWalks);
        Assert.Equal(alive.Count, snapshot.Classes.Sum(c => c.Active));
        GC.KeepAlive(alive);
    }

    /// <summary>40 instances moved to gen2 by a gen0 and a gen1 GC, then 10 new ones in gen0.</summary>
    private static void AddPromoted(List<Sapling> alive)
    {
        alive.AddRange(Enumerable.Range(0, 40).Select(i => new Sapling { Number = i }));
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        alive.AddRange(Enumerable.Range(0, 10).Select(i => new Sapling { Number = i }));
    }
}
