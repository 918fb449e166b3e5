using Heapmon.Samples.Factory;
using Heapmon.Stats;
using Heapmon.Tracking;
using StatsView = Heapmon.Stats.TrackerStats;

namespace Heapmon.Tests.Stats;

/// <summary>Pympler's example on a real <see cref="ClassTracker"/>: its live output and its dump's output are the same bytes.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class LiveTrackerRoundTripTests
{
    [Fact]
    public void DumpOfALiveTrackerRendersLikeTheTracker()
    {
        Factory factory = FactoryExample.CreateFactory();
        using var tracker = new ClassTracker();
        tracker.TrackObject(factory, resolutionLevel: 2);
        tracker.TrackClass<Employee>();
        tracker.CreateSnapshot("before");
        FactoryExample.PopulateFactory(factory);
        tracker.CreateSnapshot("after");

        var live = new StringWriter();
        var liveStats = new ConsoleStats(tracker, live);
        liveStats.PrintSummary();
        liveStats.SortStats("size").PrintStats();

        string path = Path.Combine(TestPaths.NewTempDirectory("live"), "factory.stats");
        new StatsView(tracker).DumpStats(path);
        var loaded = new StringWriter();
        var loadedStats = ConsoleStats.Load(path, loaded);
        loadedStats.PrintSummary();
        loadedStats.SortStats("size").PrintStats();

        Assert.Equal(live.ToString(), loaded.ToString());
        Assert.Equal(StatsFixtures.Canonical(tracker.ToData()), StatsFixtures.Canonical(loadedStats.Data));
        Assert.Contains("  Heapmon.Samples.Factory.Employee", live.ToString(), StringComparison.Ordinal);
        Assert.Equal(1001, loadedStats.Data.Objects.Count);
        GC.KeepAlive(factory);
    }
}
