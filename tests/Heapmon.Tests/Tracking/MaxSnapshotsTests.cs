using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>ClassTrackerOptions.MaxSnapshots: a tracker that publishes metrics for days keeps only its newest snapshots.</summary>
public sealed class MaxSnapshotsTests
{
    [Fact]
    public void OnlyTheNewestSnapshotsAreKeptNumberedFromZeroWithTheirOwnSamples()
    {
        var items = new List<object>();
        using var tracker = new ClassTracker(TrackerBackends.Measurer(), new ListInstanceSource(() => []), options: ClassTrackerOptions.Default with { MaxSnapshots = 3 });
        for (int i = 0; i < 7; i++)
        {
            var item = new byte[8 * (i + 1)];
            items.Add(item);
            tracker.TrackObject(item, name: $"item{i}");
            tracker.CreateSnapshot($"s{i}");
        }

        Assert.Equal(["s4", "s5", "s6"], tracker.Snapshots.Select(s => s.Description));
        Assert.Equal([0, 1, 2], tracker.Snapshots.Select(s => s.Index));
        TrackerData data = tracker.ToData();
        // The dump loads (snapshots numbered from 0), and item 6 has one sample, in the last snapshot kept.
        string path = Path.Combine(TestPaths.NewTempDirectory("max-snapshots"), "t.json.gz");
        new TrackerStats(data).DumpStats(path);
        TrackerData loaded = TrackerStats.Load(path).Data;
        Assert.Equal(3, loaded.Snapshots.Count);
        SizeSample last = Assert.Single(loaded.Objects.Single(o => o.Name == "item6").Samples);
        Assert.Equal((2, 8L * 7 + 24), (last.SnapshotIndex, last.Size));
        Assert.Equal(3, loaded.Objects.Single(o => o.Name == "item0").Samples.Count);
        GC.KeepAlive(items);
    }

    [Fact]
    public void AMaximumBelowOneIsRefusedNamingTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassTracker(ClassTrackerOptions.Default with { MaxSnapshots = 0 }));
        Assert.Contains("MaxSnapshots", e.Message);
    }
}
