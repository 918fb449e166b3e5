using Heapmon.Allocations;
using Heapmon.Model;
using static Heapmon.Tests.Allocations.SyntheticSnapshots;

namespace Heapmon.Tests.Allocations;

/// <summary>The top in tracemalloc's layout, on fixed snapshots whose figures are exact (every object sampled).</summary>
public sealed class DisplayTopTests
{
    private static string Render(Action<DisplayTop, TextWriter> display, DisplayTop? options = null)
    {
        var writer = new StringWriter { NewLine = "\n" };
        display(options ?? new DisplayTop(), writer);
        return writer.ToString();
    }

    [Fact]
    public void TopByLinePrintsTheSeedLayout()
    {
        string text = Render((d, w) => d.DisplaySnapshot(Exact(), output: w));
        Assert.Equal("""
            2026-03-01 12:30:45: Top 10 allocations per filename and line number
            #1: .../app/data/Cache.cs:33: size=16.0 MiB, count=2, average=8192 KiB
            #2: .../app/data/Loader.cs:120: size=12.0 MiB, count=3, average=4096 KiB
            #3: .../app/data/Loader.cs:7: size=4096 KiB, count=1
            Traced .NET allocations: size=32.0 MiB, count=6, average=5461 KiB

            gc.gen0.collections: 12
            process_memory.rss: 828 MiB


            """.Replace("\r", ""), text);
    }

    [Fact]
    public void CountLimitsTheLinesAndTheRestIsSummedInAMoreLine()
    {
        string text = Render((d, w) => d.DisplaySnapshot(Exact(), count: 1, output: w), new DisplayTop { Metrics = false });
        Assert.Equal("""
            2026-03-01 12:30:45: Top 1 allocations per filename and line number
            #1: .../app/data/Cache.cs:33: size=16.0 MiB, count=2, average=8192 KiB
            2 more: size=16.0 MiB, count=4, average=4096 KiB
            Traced .NET allocations: size=32.0 MiB, count=6, average=5461 KiB


            """.Replace("\r", ""), text);
    }

    [Fact]
    public void ASecondDisplayShowsChangesSinceThePreviousSnapshot()
    {
        var display = new DisplayTop { Metrics = false };
        Render((d, w) => d.DisplaySnapshot(Exact(), output: w), display);
        string text = Render((d, w) => d.DisplaySnapshot(Exact(Clock.AddMinutes(1), scale: 2), output: w), display);
        Assert.Equal("""
            2026-03-01 12:31:45: Top 10 allocations per filename and line number (compared to 2026-03-01 12:30:45)
            #1: .../app/data/Loader.cs:120: size=24.0 MiB (+12.0 MiB), count=6 (+3), average=4096 KiB
            #2: .../app/data/Cache.cs:33: size=16.0 MiB (+0 B), count=2 (+0), average=8192 KiB
            #3: .../app/data/Loader.cs:7: size=4096 KiB (+0 B), count=1 (+0)
            Traced .NET allocations: size=44.0 MiB (+12.0 MiB), count=9 (+3), average=5006 KiB


            """.Replace("\r", ""), text);
    }

    [Fact]
    public void CompareToFirstKeepsTheFirstSnapshotAsReference()
    {
        var display = new DisplayTop { Metrics = false, CompareToPrevious = false };
        Render((d, w) => d.DisplaySnapshot(Exact(), output: w), display);
        Render((d, w) => d.DisplaySnapshot(Exact(Clock.AddMinutes(1), scale: 2), output: w), display);
        string third = Render((d, w) => d.DisplaySnapshot(Exact(Clock.AddMinutes(2), scale: 3), output: w), display);
        Assert.Contains("(compared to 2026-03-01 12:30:45)", third);
        Assert.Contains("Loader.cs:120: size=36.0 MiB (+24.0 MiB), count=9 (+6)", third);

        var previous = new DisplayTop { Metrics = false };
        Render((d, w) => d.DisplaySnapshot(Exact(), output: w), previous);
        Render((d, w) => d.DisplaySnapshot(Exact(Clock.AddMinutes(1), scale: 2), output: w), previous);
        string againstPrevious = Render((d, w) => d.DisplaySnapshot(Exact(Clock.AddMinutes(2), scale: 3), output: w), previous);
        Assert.Contains("(compared to 2026-03-01 12:31:45)", againstPrevious);
        Assert.Contains("Loader.cs:120: size=36.0 MiB (+12.0 MiB), count=9 (+3)", againstPrevious);
    }

    [Fact]
    public void MetricChangesAreShownNextToTheMetric()
    {
        var display = new DisplayTop();
        Render((d, w) => d.DisplaySnapshot(Exact(), output: w), display);
        AllocationSnapshot later = Make(Exact().Traces!, at: Clock.AddMinutes(1), metrics: [new Metric("process_memory.rss", 900L * 1024 * 1024, MetricFormat.Size), new Metric("gc.gen0.collections", 15, MetricFormat.Int)]);
        string text = Render((d, w) => d.DisplaySnapshot(later, output: w), display);
        Assert.Contains("\nprocess_memory.rss: 900 MiB (+72.0 MiB)\n", text);
        Assert.Contains("\ngc.gen0.collections: 15 (+3)\n", text);
    }

    [Fact]
    public void GroupingsHaveTheirOwnTitlesAndKeys()
    {
        var quiet = new DisplayTop { Metrics = false };
        string byType = Render((d, w) => d.DisplaySnapshot(Exact(), groupBy: GroupBy.Type, output: w), quiet);
        Assert.Contains("Top 10 allocations per type\n#1: System.Byte[]: size=16.0 MiB, count=4, average=4096 KiB\n#2: System.Int64[]: size=16.0 MiB, count=2, average=8192 KiB\n", byType);
        string byFile = Render((d, w) => d.DisplaySnapshot(Exact(), groupBy: GroupBy.File, output: w), quiet);
        Assert.Contains("Top 10 allocations per filename\n#1: .../app/data/Loader.cs: size=16.0 MiB, count=4, average=4096 KiB\n", byFile);
        string byAddress = Render((d, w) => d.DisplaySnapshot(Exact(), count: 1, groupBy: GroupBy.Address, output: w), quiet);
        Assert.Contains("Top 1 allocations per address\n#1: memory block 0x2001 (System.Int64[]): size=8192 KiB, count=1\n5 more:", byAddress);
        string cumulative = Render((d, w) => d.DisplaySnapshot(Exact(), count: 1, cumulative: true, output: w), quiet);
        Assert.Contains("Cumulative top 1 allocations per filename and line number\n#1: .../src/app/Program.cs:10: size=16.0 MiB, count=4", cumulative);
    }

    [Fact]
    public void HidingSizeCountAverageAndMetricsRemovesExactlyThose()
    {
        string text = Render((d, w) => d.DisplaySnapshot(Exact(), count: 1, output: w), new DisplayTop { Count = false, Average = false, Metrics = false });
        Assert.Contains("#1: .../app/data/Cache.cs:33: size=16.0 MiB\n", text);
        text = Render((d, w) => d.DisplaySnapshot(Exact(), count: 1, output: w), new DisplayTop { Size = false });
        Assert.Contains("#1: .../app/data/Cache.cs:33: count=2, average=8192 KiB\n", text);
        Assert.Contains("process_memory.rss", text);
    }

    [Fact]
    public void FilenamePartsShortenPathsAndZeroShowsThemWhole()
    {
        Assert.Contains("#1: .../Cache.cs:33:", Render((d, w) => d.DisplaySnapshot(Exact(), output: w), new DisplayTop { FilenameParts = 1 }));
        Assert.Contains("#1: /src/app/data/Cache.cs:33:", Render((d, w) => d.DisplaySnapshot(Exact(), output: w), new DisplayTop { FilenameParts = 0 }));
        Assert.Equal("<System.Private.CoreLib>", AllocationKey.ShortenFileName("<System.Private.CoreLib>", 1));
    }

    [Fact]
    public void ColourMarksKeysGrowthAndShrinkageOnlyWhenAsked()
    {
        var display = new DisplayTop { Color = true, Metrics = false };
        Render((d, w) => d.DisplaySnapshot(Exact(), output: w), display);
        string text = Render((d, w) => d.DisplaySnapshot(Exact(Clock.AddMinutes(1), scale: 2), output: w), display);
        Assert.Contains("\e[1;36m.../app/data/Loader.cs:120\e[0m", text);
        Assert.Contains("(\e[1;31m+12.0 MiB\e[0m)", text);
        var shrink = new DisplayTop { Color = true, Metrics = false };
        Render((d, w) => d.DisplaySnapshot(Exact(scale: 2), output: w), shrink);
        Assert.Contains("(\e[1;32m-12.0 MiB\e[0m)", Render((d, w) => d.DisplaySnapshot(Exact(), output: w), shrink));
        Assert.DoesNotContain("\e[", Render((d, w) => d.DisplaySnapshot(Exact(), output: w), new DisplayTop { Color = false }));
        Assert.DoesNotContain("\e[", Render((d, w) => d.DisplaySnapshot(Exact(), output: w))); // a StringWriter is no terminal
    }

    [Fact]
    public void EstimatesFromFewSamplesShowTheirInterval()
    {
        // 10 samples of 24-byte objects: about 42,700 objects, ±50% and more.
        AllocationSnapshot few = Make([.. Enumerable.Range(0, 10).Select(i => Trace(i, "System.Object", 24, Frame("Hot.cs", 3)))]);
        Estimate size = few.TopBy(GroupBy.Line).Total.Size;
        string text = Render((d, w) => d.DisplaySnapshot(few, output: w), new DisplayTop { Metrics = false });
        Assert.Contains($"size={ByteUnits.Compact(size.Value)} [{ByteUnits.Compact(size.Low)}..{ByteUnits.Compact(size.High)}]", text);
        Assert.True(size.Low < size.Value * 0.6 && size.High > size.Value * 1.5);
        Assert.DoesNotContain("[", Render((d, w) => d.DisplaySnapshot(few, output: w), new DisplayTop { Interval = false, Metrics = false }));
        Assert.DoesNotContain("[", Render((d, w) => d.DisplaySnapshot(Exact(), output: w))); // exact figures need none
    }
}
