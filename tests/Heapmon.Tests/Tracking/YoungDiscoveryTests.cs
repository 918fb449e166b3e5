using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>Periodic snapshots never miss a new class instance, also one that survived gen0 GCs between snapshots.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class YoungDiscoveryTests
{
    private sealed class Seedling
    {
        public int Number;
    }

    [Fact]
    public void InstancesThatSurvivedGen0GcsBetweenPeriodicSnapshotsAreAllFound()
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass<Seedling>();
        var alive = new List<Seedling>();
        tracker.TakeSnapshot("full walk", computeTotal: false, periodic: false);
        for (int round = 0; round < 8; round++)
        {
            alive.AddRange(Enumerable.Range(0, 40).Select(i => new Seedling { Number = i }));
            GC.Collect(0, GCCollectionMode.Forced, blocking: true); // promoted to gen1: a young walk that missed this would undercount
            alive.AddRange(Enumerable.Range(0, 10).Select(i => new Seedling { Number = i }));

            Snapshot snapshot = tracker.TakeSnapshot($"round {round}", computeTotal: false, periodic: true);

            Assert.Equal(alive.Count, snapshot.Classes.Sum(c => c.Active)); // young or full, none missed
        }
        GC.KeepAlive(alive);
    }
}
