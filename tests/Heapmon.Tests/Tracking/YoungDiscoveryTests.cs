using Heapmon.Model;
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

    [Theory]
    [InlineData(1, true)]   // a gen1 GC promotes what gen1 held to gen2
    [InlineData(2, false)]  // a background GC, when the runtime runs one (it moves only the gen2 count)
    [InlineData(2, true)]   // a full blocking GC
    public void InstancesPromotedByOlderGcsBetweenPeriodicSnapshotsAreAllFound(int generation, bool blocking)
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass<Seedling>();
        var alive = new List<Seedling>();
        tracker.TakeSnapshot("full walk", computeTotal: false, periodic: false);
        for (int round = 0; round < 6; round++)
        {
            alive.AddRange(Enumerable.Range(0, 40).Select(i => new Seedling { Number = i }));
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);  // to gen1
            GC.Collect(generation, GCCollectionMode.Forced, blocking); // and on, out of a young walk's reach
            GC.WaitForPendingFinalizers();
            alive.AddRange(Enumerable.Range(0, 10).Select(i => new Seedling { Number = i }));

            Snapshot snapshot = tracker.TakeSnapshot($"round {round}", computeTotal: false, periodic: true);

            Assert.Equal(alive.Count, snapshot.Classes.Sum(c => c.Active));
        }
        GC.KeepAlive(alive);
    }
}
