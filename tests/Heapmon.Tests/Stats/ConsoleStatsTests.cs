using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Stats;

public sealed class ConsoleStatsTests
{
    [Fact]
    public void SummaryHasTheSeedsLayout()
    {
        var output = new StringWriter();
        new ConsoleStats(StatsFixtures.Factory(), output).PrintSummary(all: true);

        // Pympler's print_summary example, with binary unit names (MiB for MB).
        Assert.Equal(
            """
            ---- SUMMARY ------------------------------------------------------------------
                                                     active     1.22 MiB      average   pct
              Factory                                     1      344   B      344   B    0%
              __main__.Employee                           0        0   B        0   B    0%
                                                     active     1.42 MiB      average   pct
              Factory                                     1     4.75 KiB     4.75 KiB    0%
              __main__.Employee                        1000   195.38 KiB      200   B   13%
            -------------------------------------------------------------------------------

            """.ReplaceLineEndings("\n"), output.ToString());
    }

    [Fact]
    public void ByDefaultClassesWithNoInstanceAreCountedNotListed()
    {
        var output = new StringWriter();
        new ConsoleStats(StatsFixtures.Factory(), output).PrintSummary();

        Assert.Equal(
            """
            ---- SUMMARY ------------------------------------------------------------------
                                                     active     1.22 MiB      average   pct
              Factory                                     1      344   B      344   B    0%
              (1 class with no instances)
                                                     active     1.42 MiB      average   pct
              Factory                                     1     4.75 KiB     4.75 KiB    0%
              __main__.Employee                        1000   195.38 KiB      200   B   13%
            -------------------------------------------------------------------------------

            """.ReplaceLineEndings("\n"), output.ToString());
    }

    [Fact]
    public void NoShareExceedsTheSnapshotTotalWhenTheGcHeapWasMeasuredBeforeItsFirstCollection()
    {
        // A start snapshot: the GC reports 1 MiB after a GC that never happened, the tracked strings are 1.5 MiB.
        TrackerData factory = StatsFixtures.Factory();
        Snapshot first = factory.Snapshots[0];
        var early = first with
        {
            Gc = first.Gc with { HeapSizeBytes = 1 << 20 },
            HeapTotal = null,
            TrackedTotal = 3 << 19,
            Classes = [new ClassSummary("System.String", 30_000, 3 << 19, 52, 1.5)],
        };
        var output = new StringWriter();
        new ConsoleStats(factory with { Snapshots = [early] }, output).PrintSummary();

        Assert.Equal(3 << 19, early.Total);
        Assert.Equal(1.0, early.ShareOf(early.TrackedTotal));
        Assert.EndsWith(" 100%", output.ToString().Split('\n')[2]);
    }

    [Fact]
    public void SummaryColumnsEndWhereTheSeedsDo()
    {
        // Pympler's lines; Pympler's unit names are one letter shorter, its columns end in the same places.
        const string seedHeader = "                                         active      1.22 MB      average   pct";
        const string seedRow = "  __main__.Employee                        1000    195.38 KB    200     B   13%";
        var output = new StringWriter();
        new ConsoleStats(StatsFixtures.Factory(), output).PrintSummary(all: true);
        string[] ours = output.ToString().Split('\n');
        foreach ((string seed, string mine) in new[] { ("active", "active"), ("MB", "MiB"), ("average", "average"), ("pct", "pct") })
            Assert.Equal(End(seedHeader, seed), End(ours[1], mine));
        foreach ((string seed, string mine) in new[] { ("Employee", "Employee"), ("1000", "1000"), ("KB", "KiB"), (" B", " B"), ("13%", "13%") })
            Assert.Equal(End(seedRow, seed), End(ours[6], mine));
        Assert.Equal(79, ours[0].Length);
        Assert.Equal(79, ours[^2].Length);
    }

    [Fact]
    public void PrintStatsShowsLifetimeSizesAndReferentTree()
    {
        var run = StatsFixtures.Factory().Run;
        var snap = StatsFixtures.Factory().Snapshots;
        var tree = new ReferentNode("Node", "Demo.Node", 2048, 32, [
            new ReferentNode("small", "System.String", 1, 1, []), // under 0.1%: left out, as Pympler does
            new ReferentNode("_items", "System.Object[]", 1016, 1016, []),
            new ReferentNode("children", "Demo.Node[]", 1000, 40, [new ReferentNode("[0]", "Demo.Node", 960, 960, [])]),
        ]);
        var node = new TrackedObjectRecord(7, "Demo.Graphs.Node", "Node 7", run.Started.AddSeconds(0.25), run.Started.AddSeconds(2), 2,
            [new SizeSample(0, 1024, 32), new SizeSample(1, 2048, 32, tree)], ["Demo.Program.Build (Program.cs:17)"]);
        var output = new StringWriter();
        new ConsoleStats(new TrackerData(run, snap, [], [node]), output).PrintStats();

        Assert.Equal(
            """
            Demo.Graphs.Node                 #7         Node 7
              lifetime                       +0.25s .. +2.00s
              at Demo.Program.Build (Program.cs:17)
              +0.50s                            1.00 KiB
              +1.25s                            2.00 KiB
                _items                                            1016   B     49% [1]
                children                                          1000   B     48% [1]
                  [0]                                              960   B     46% [2]
              +2.00s                         finalize

            """.ReplaceLineEndings("\n"), output.ToString());
    }

    [Fact]
    public void LongAndMultiLineNamesStayOnOneLineInTheirColumns()
    {
        var data = StatsFixtures.Factory();
        var odd = new TrackedObjectRecord(3, "Company.Product.Subsystem.Caching.Cache`1[System.String]", "first\nsecond\tthird",
            data.Run.Started, null, 0, [new SizeSample(0, 48, 48)]);
        var output = new StringWriter();
        new ConsoleStats(data with { Objects = [odd] }, output).PrintStats();
        Assert.Equal("...aching.Cache`1[System.String] #3         first|second|third", output.ToString().Split('\n')[0]);
    }

    private static int End(string line, string token)
    {
        int at = line.IndexOf(token, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{token}' not in '{line}'");
        return at + token.Length;
    }
}
