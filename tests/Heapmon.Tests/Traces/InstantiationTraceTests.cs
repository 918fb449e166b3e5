using System.Runtime.CompilerServices;
using Heapmon.Allocations;
using Heapmon.Model;
using Heapmon.Sampling;
using Heapmon.Stats;
using Heapmon.Tests.Allocations;
using Heapmon.Tracking;
using Xunit.Abstractions;

namespace Heapmon.Tests.Traces;

/// <summary>
/// <c>TrackClass(..., trace: true)</c> end to end: the live allocation tracer in this process, the heap walk,
/// and the stats layer. s_lines are this file's, found by their <c>// site:</c> marks.
/// </summary>
[Collection(HeapWalkCollection.Name)] // walks the heap, and the tracer is process-wide
public sealed class InstantiationTraceTests(ITestOutputHelper log) : IDisposable
{
    private const string File = "tests/Heapmon.Tests/Traces/InstantiationTraceTests.cs";
    private const int Many = 60_000, Few = 20_000;
    private static readonly Dictionary<string, int> s_lines = SourceLines.Sites(File);
    private static readonly Lazy<TrackerData> s_twoLines = new(TrackTwoLines);
    private static object? s_sink;

    public void Dispose()
    {
        Assert.Equal(0, TracerLeases.Holders); // every tracker here gave its lease back
        AllocationTracer.Stop();
    }

    /// <summary>About 1 KiB, so each instance is sampled with p ≈ 1%: 80,000 of them give ~800 samples.</summary>
    private class Widget
    {
        private Payload _payload;

        public Widget() => _payload[0] = 1;

        public long First => _payload[0];
    }

    private sealed class Gadget : Widget;

    [InlineArray(126)]
    private struct Payload
    {
        private long _element;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeWidgets()
    {
        for (int i = 0; i < Many; i++) s_sink = new Widget(); // site:many
        for (int i = 0; i < Few; i++) s_sink = new Widget(); // site:few
        s_sink = null;
    }

    private static TrackerData TrackTwoLines()
    {
        Assert.False(AllocationTracer.IsTracing);
        using var tracker = new ClassTracker();
        tracker.TrackClass<Widget>(trace: true);
        MakeWidgets();
        Snapshot snapshot = tracker.CreateSnapshot("after");
        Assert.Equal(0, snapshot.Classes.Single().Active); // dropped at once: sites count creations, not survivors
        return tracker.ToData();
    }

    private static bool Names(InstantiationSite site, string line) =>
        site.Frames.Count > 0 && site.Frames[0].EndsWith($"/Traces/InstantiationTraceTests.cs:{s_lines[line]})", StringComparison.Ordinal);

    [Fact]
    public void SitesNameBothLinesInOrderWithEstimatesThatHoldTheTruth()
    {
        IReadOnlyList<InstantiationSite> sites = s_twoLines.Value.Classes.Single().Sites;
        Assert.All(sites, s => Assert.True(Names(s, "many") || Names(s, "few"), string.Join(" | ", s.Frames)));
        Assert.True(Names(sites[0], "many"), sites[0].Frames[0]);
        Assert.Contains(sites, s => Names(s, "few"));
        Assert.Contains("MakeWidgets", sites[0].Frames[0]);
        Assert.True(sites[0].Frames.Count > 1 && sites[0].Frames.Count <= TracerLeases.TracebackLimit);
        foreach ((string line, int truth) in new[] { ("many", Many), ("few", Few) })
        {
            // A line may in principle split over callers; the estimates of one line add up.
            var at = sites.Where(s => Names(s, line)).ToList();
            double estimate = at.Sum(s => s.EstimatedCount), low = at.Sum(s => s.Low), high = at.Sum(s => s.High);
            Assert.True(low <= estimate && estimate <= high);
            // ~600 and ~200 samples: the 95% interval is about ±8% and ±14%. Its width is ~3.9 standard
            // errors, so "within 1.25 widths" is ~5 standard errors: sound against sampling variance.
            Assert.True(Math.Abs(estimate - truth) <= 1.25 * (high - low), $"{line}: {estimate:F0} [{low:F0}, {high:F0}], truth {truth}");
            Assert.InRange(at.Sum(s => s.Samples), 50, 5_000);
        }
    }

    [Fact]
    public void SitesArePrintedDumpedAndLoadedAndShownInTheReport()
    {
        TrackerData data = s_twoLines.Value;
        var output = new StringWriter();
        new ConsoleStats(data, output).PrintStats();
        log.WriteLine(output.ToString());
        string[] printed = output.ToString().Split('\n');
        int header = Array.FindIndex(printed, l => l.Contains("instantiation sites (estimated, 95% interval)"));
        Assert.True(header >= 0, output.ToString());
        Assert.EndsWith("TraceTests+Widget:", printed[header].Split(' ')[0]); // cut from the left to fit
        Assert.Matches(@"^  ~[0-9,]+ \[[0-9,]+ \.\. [0-9,]+\] instances, [0-9,]+ samples$", printed[header + 1]);
        Assert.Equal($"    at InstantiationTraceTests.MakeWidgets() (InstantiationTraceTests.cs:{s_lines["many"]})", printed[header + 2]);
        Assert.Contains(printed, l => l.EndsWith($"(InstantiationTraceTests.cs:{s_lines["few"]})"));

        string path = Path.Combine(TestPaths.NewTempDirectory("traces"), "stats.json");
        new Heapmon.Stats.TrackerStats(data).DumpStats(path);
        IReadOnlyList<InstantiationSite> loaded = Heapmon.Stats.TrackerStats.Load(path).Data.Classes.Single().Sites;
        IReadOnlyList<InstantiationSite> original = data.Classes.Single().Sites;
        Assert.Equal(original.Count, loaded.Count);
        for (int i = 0; i < original.Count; i++)
        {
            Assert.Equal(original[i].Frames, loaded[i].Frames);
            Assert.Equal((original[i].Samples, original[i].EstimatedCount, original[i].Low, original[i].High),
                (loaded[i].Samples, loaded[i].EstimatedCount, loaded[i].Low, loaded[i].High));
        }

        string html = new HtmlStats(data).RenderToString();
        Assert.Contains("<h3>Instantiation sites</h3>", html);
        Assert.Contains($"InstantiationTraceTests.cs:{s_lines["many"]})", html);
        Assert.Contains($"InstantiationTraceTests.cs:{s_lines["few"]})", html);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeWidgetsAndGadgets()
    {
        for (int i = 0; i < 5_000; i++) s_sink = new Widget(); // site:widgets
        for (int i = 0; i < 5_000; i++) s_sink = new Gadget(); // site:gadgets
        s_sink = null;
    }

    [Fact]
    public void ASampleBelongsToTheMostSpecialisedTrackedClassAndUntracedClassesHaveNoSites()
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass<Widget>(trace: true);
        tracker.TrackClass<Gadget>(name: "gadgets"); // a subclass, tracked without trace: its instances are its own
        MakeWidgetsAndGadgets();
        tracker.CreateSnapshot();
        TrackerData data = tracker.ToData();
        // 5 MB at each line: ~50 samples each, so the Gadget line was sampled (checked, not assumed).
        Assert.Contains(InstantiationSites.Of(typeof(Gadget), includeSubclasses: false), s => Names(s, "gadgets"));
        IReadOnlyList<InstantiationSite> widgetSites = data.Classes.Single(c => c.Trace).Sites;
        Assert.Contains(widgetSites, s => Names(s, "widgets"));
        Assert.DoesNotContain(widgetSites, s => Names(s, "gadgets"));
        TrackedClassRecord gadgets = data.Classes.Single(c => c.ClassName == "gadgets");
        Assert.False(gadgets.Trace);
        Assert.Empty(gadgets.Sites);
    }

    [Fact]
    public void TheTrackerStopsTheTracerItStartedAndLeavesTheUsersRunning()
    {
        Assert.False(AllocationTracer.IsTracing);
        using (var tracker = new ClassTracker())
        {
            tracker.TrackClass<Widget>();
            Assert.False(AllocationTracer.IsTracing); // no trace, no tracer
            tracker.TrackClass<Gadget>(trace: true);
            Assert.True(AllocationTracer.IsTracing);
            Assert.True(tracker.DetachClass(typeof(Gadget)));
            Assert.False(AllocationTracer.IsTracing); // the last traced class went
            tracker.TrackClass<Gadget>(trace: true);
            Assert.True(AllocationTracer.IsTracing);
            using (var second = new ClassTracker())
            {
                second.TrackClass<Widget>(trace: true);
                tracker.Dispose();
                Assert.True(AllocationTracer.IsTracing); // the second tracker still needs it
            }
            Assert.False(AllocationTracer.IsTracing);
        }

        AllocationTracer.Start(tracebackLimit: 2);
        long session = AllocationSampler.RunningSession;
        using (var tracker = new ClassTracker())
        {
            tracker.TrackClass<Widget>(trace: true);
            Assert.Equal(2, AllocationTracer.TracebackLimit); // the user's options stand
        }
        Assert.True(AllocationTracer.IsTracing);
        Assert.Equal(session, AllocationSampler.RunningSession);
    }
}
