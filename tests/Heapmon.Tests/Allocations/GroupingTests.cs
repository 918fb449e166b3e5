using Heapmon.Allocations;
using Heapmon.Model;
using static Heapmon.Tests.Allocations.SyntheticSnapshots;

namespace Heapmon.Tests.Allocations;

public sealed class GroupingTests
{
    [Fact]
    public void TopByLineFileTypeAndAddressSumTheExactObjects()
    {
        AllocationSnapshot snapshot = Exact();
        var byLine = snapshot.TopBy(GroupBy.Line).Stats;
        Assert.Equal(3 * Big, byLine[new AllocationKey(GroupBy.Line, "/src/app/data/Loader.cs", 120, 0, null)].Size.Value, 3);
        Assert.Equal(4 * Big, byLine[new AllocationKey(GroupBy.Line, "/src/app/data/Cache.cs", 33, 0, null)].Size.Value, 3);
        Assert.Equal(3, byLine.Count);

        var byFile = snapshot.TopBy(GroupBy.File).Stats;
        Assert.Equal(4 * Big, byFile[new AllocationKey(GroupBy.File, "/src/app/data/Loader.cs", 0, 0, null)].Size.Value, 3);
        Assert.Equal(4, byFile[new AllocationKey(GroupBy.File, "/src/app/data/Loader.cs", 0, 0, null)].Count.Value, 6);

        var byType = snapshot.TopBy(GroupBy.Type).Stats;
        Assert.Equal(4 * Big, byType[new AllocationKey(GroupBy.Type, null, 0, 0, "System.Byte[]")].Size.Value, 3);
        Assert.Equal(2, byType[new AllocationKey(GroupBy.Type, null, 0, 0, "System.Int64[]")].Count.Value, 6);

        var byAddress = snapshot.TopBy(GroupBy.Address).Stats;
        Assert.Equal(6, byAddress.Count);
        Assert.Equal(2 * Big, byAddress[new AllocationKey(GroupBy.Address, null, 0, 0x2001, "System.Int64[]")].Size.Value, 3);
        Assert.Equal(8 * Big, snapshot.TopBy(GroupBy.Type).Total.Size.Value, 3);
    }

    [Fact]
    public void CumulativeCountsEachFrameOncePerTraceAndNeedsTraces()
    {
        TraceFrame recursive = Frame("Rec.cs", 5);
        AllocationSnapshot snapshot = Make([Trace(1, "T", Big, recursive, recursive, Frame("Main.cs", 1)), Trace(2, "T", Big, Frame("Main.cs", 1))]);
        GroupedStats cumulative = snapshot.TopBy(GroupBy.Line, cumulative: true);
        Assert.True(cumulative.Cumulative);
        Assert.Equal(2 * Big, cumulative.Stats[new AllocationKey(GroupBy.Line, "/src/app/Main.cs", 1, 0, null)].Size.Value, 3);
        Assert.Equal(Big, cumulative.Stats[new AllocationKey(GroupBy.Line, "/src/app/Rec.cs", 5, 0, null)].Size.Value, 3);
        Assert.Equal(2 * Big, cumulative.Total.Size.Value, 3);

        // Without traces, or with one frame per traceback, cumulative is ignored (tracemalloc's rule).
        Assert.False(Make(snapshot.Traces!, keepTraces: false).TopBy(GroupBy.Line, cumulative: true).Cumulative);
        Assert.False(Make(snapshot.Traces!, tracebackLimit: 1).TopBy(GroupBy.Line, cumulative: true).Cumulative);
        Assert.False(snapshot.TopBy(GroupBy.Type, cumulative: true).Cumulative);
    }

    [Fact]
    public void CompareToListsNewGrownAndVanishedGroupsAndSortsThemAsTheSeedSays()
    {
        GroupedStats old = Make([
            Trace(1, "A", Big, Frame("a.cs", 1)),
            Trace(2, "B", 3 * Big, Frame("b.cs", 1)),
            Trace(3, "C", Big, Frame("c.cs", 1)),
        ]).TopBy(GroupBy.Line);
        GroupedStats current = Make([
            Trace(1, "A", Big, Frame("a.cs", 1)), Trace(4, "A", 2 * Big, Frame("a.cs", 1)),
            Trace(2, "B", 3 * Big, Frame("b.cs", 1)),
            Trace(5, "D", Big, Frame("d.cs", 1)),
        ]).TopBy(GroupBy.Line);

        StatsDiff diff = current.CompareTo(old);
        diff.Sort();
        var rows = diff.Differences.Select(d => (Path.GetFileName(d.Key.FileName), Math.Round(d.SizeDiff / Big), Math.Round(d.Size / Big), Math.Round(d.CountDiff), Math.Round(d.Count))).ToList();
        Assert.Equal(
        [
            ("a.cs", 2.0, 3.0, 1.0, 2.0),   // |+2| biggest change
            ("d.cs", 1.0, 1.0, 1.0, 1.0),   // |±1|: size 1 beats size 0
            ("c.cs", -1.0, 0.0, -1.0, 0.0), // vanished
            ("b.cs", 0.0, 3.0, 0.0, 1.0),   // unchanged last
        ], rows);
        Assert.Same(old, diff.OldStats);
        Assert.Same(current, diff.NewStats);
        Assert.Null(diff.Differences.Single(d => d.Key.FileName!.EndsWith("c.cs")).Stats);
    }

    [Fact]
    public void TiesAreBrokenByKeyDescending()
    {
        GroupedStats stats = Make([Trace(1, "A", Big, Frame("a.cs", 1)), Trace(2, "A", Big, Frame("b.cs", 1))]).TopBy(GroupBy.Line);
        StatsDiff diff = stats.CompareTo(null);
        diff.Sort();
        Assert.Equal(["/src/app/b.cs", "/src/app/a.cs"], diff.Differences.Select(d => d.Key.FileName));
    }

    [Fact]
    public void ApplyFiltersKeepsMatchingTracesAndRebuildsStatistics()
    {
        AllocationSnapshot snapshot = Exact();
        AllocationSnapshot loaderOnly = snapshot.ApplyFilters([new Filter(true, "*Loader.cs")]);
        Assert.Equal(4, loaderOnly.Traces!.Count);
        Assert.Equal(4 * Big, loaderOnly.TopBy(GroupBy.File).Total.Size.Value, 3);

        AllocationSnapshot noLine7 = snapshot.ApplyFilters([new Filter(false, "*Loader.cs", 7)]);
        Assert.Equal(5, noLine7.SampleCount);

        // A traceback filter sees the caller frame; a most-recent-frame filter does not.
        Assert.Equal(0, snapshot.ApplyFilters([new Filter(false, "*Program.cs", traceback: true)]).SampleCount);
        Assert.Equal(6, snapshot.ApplyFilters([new Filter(false, "*Program.cs")]).SampleCount);

        // Without traces the rows still filter by their most recent frame.
        AllocationSnapshot statsOnly = Make(snapshot.Traces!, keepTraces: false).ApplyFilters([new Filter(true, "*Cache.cs")]);
        Assert.Equal(2, statsOnly.SampleCount);
        Assert.Same(snapshot, snapshot.ApplyFilters([]));
    }

    [Fact]
    public void MetricsCanBeAddedOncePerName()
    {
        AllocationSnapshot snapshot = Exact();
        Metric added = snapshot.AddMetric("app.users", 7, MetricFormat.Int);
        Assert.Same(added, snapshot.GetMetric("app.users"));
        Assert.Throws<ArgumentException>(() => snapshot.AddMetric("app.users", 8, MetricFormat.Int));
        Assert.Null(snapshot.GetMetric("missing"));
        Assert.Equal("7", added.FormatValue());
        Assert.Equal("19.2%", new Metric("f", 0.192, MetricFormat.Percent).FormatValue());
        Assert.Equal("828 MiB", snapshot.GetMetric("process_memory.rss")!.FormatValue());
    }

    [Fact]
    public void GetTraceFindsTheNewestSampleAtAnAddress()
    {
        AllocationSnapshot snapshot = Make([Trace(0x10, "Old", Big), Trace(0x10, "New", Big)]);
        Assert.Equal("New", snapshot.GetTrace(0x10)!.TypeName);
        Assert.Null(snapshot.GetTrace(0x20));
        Assert.Throws<InvalidOperationException>(() => Make([], keepTraces: false).GetTrace(0x10));
    }
}
