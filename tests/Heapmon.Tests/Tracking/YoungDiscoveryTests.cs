using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>Periodic snapshots find new class instances with young walks, and never miss one that survived a gen0 GC.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class YoungDiscoveryTests
{
    private sealed class Seedling
    {
        public int Number;
    }

    [Fact]
    public void InstancesThatSurvivedGen0GcsBetweenSnapshotsAreFoundByTheYoungWalk()
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass<Seedling>();
        var alive = new List<Seedling>();
        tracker.TakeSnapshot("full walk", computeTotal: false, periodic: false);
        int youngUsed = 0;
        for (int round = 0; round < 8; round++)
        {
            int youngBefore = tracker.Walks.Young;
            alive.AddRange(Enumerable.Range(0, 40).Select(i => new Seedling { Number = i }));
            GC.Collect(0, GCCollectionMode.Forced, blocking: true); // promoted to gen1: a gen1 GC would push them out of reach
            alive.AddRange(Enumerable.Range(0, 10).Select(i => new Seedling { Number = i }));

            Snapshot snapshot = tracker.TakeSnapshot($"round {round}", computeTotal: false, periodic: true);

            Assert.Equal(alive.Count, snapshot.Classes.Sum(c => c.Active)); // young or full, none missed
            if (tracker.Walks.Young > youngBefore) youngUsed++;
        }
        // Other test classes may run gen1 GCs (then the walk is full); most rounds should still walk young.
        Assert.True(youngUsed > 0, "no round used the young walk");
        GC.KeepAlive(alive);
    }
}
