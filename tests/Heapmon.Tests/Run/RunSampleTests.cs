using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;
using Workload.Nodes;

namespace Heapmon.Tests.Run;

/// <summary>The Workload sample profiled unchanged: the classes and counts it is known to build, with sizes the GC itself reports.</summary>
public sealed class RunSampleTests
{
    [Fact]
    public void TheSampleUnderHeapmonRunGivesItsClassesAndCountsInTheDumpAndTheReport()
    {
        string dir = TestPaths.NewTempDirectory("run-sample");
        string html = Path.Combine(dir, "x.html");
        string dump = Path.Combine(dir, "x.json.gz");

        ChildResult result = RunHarness.Heapmon(
            ["run", "--track", "Workload.Nodes.*", "--interval", "0.1", "--output", html, "--output", dump, "--", RunHarness.Workload, "build", "10", "100", "500"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("built 10 dirs of 100 files\n", result.StdOut);
        TrackerData data = RunHarness.LoadDump(dump);
        Assert.Equal("start", data.Snapshots[0].Description);
        Assert.Equal("exit", data.Snapshots[^1].Description);
        Assert.True(data.Snapshots.Count >= 3, $"{data.Snapshots.Count} snapshots: at least one periodic one expected in 0.5 s");
        Assert.All(data.Snapshots.Skip(1).SkipLast(1), s => Assert.Null(s.Description));

        Snapshot exit = data.Snapshots[^1];
        ClassSummary Line(string name) => Assert.Single(exit.Classes, c => c.ClassName == name);
        Assert.Equal(10, Line("Workload.Nodes.DirNode").Active);
        Assert.Equal(1000, Line("Workload.Nodes.FileNode").Active);
        Assert.Equal(0, Line("Workload.Nodes.Node").Active); // abstract: its instances count under their own classes

        // Each file owns its node, its content array, its (empty) dependency list and its name: the
        // bytes the GC reports for allocating exactly those here. The lists share one static empty
        // array, counted once for whichever tracked object reached it first.
        long expected = 0;
        for (int d = 0; d < 10; d++)
            for (int f = 0; f < 100; f++)
            {
                int nameLength = $"dir{d}/file{f}.c".Length;
                expected += AllocatedBytes(() => new FileNode("", 64)) + AllocatedBytes(() => new string('x', nameLength));
            }
        long total = Line("Workload.Nodes.FileNode").Total;
        Assert.InRange(total, expected, expected + 24);

        Assert.Equal(1010, data.Objects.Count(o => o.ClassName.StartsWith("Workload.Nodes.", StringComparison.Ordinal)));
        Assert.All(data.Objects, o => Assert.Null(o.Death));

        // The report is the HTML renderer's own rendering of the very data in the dump.
        Assert.Equal(new HtmlStats(data).RenderToString(), File.ReadAllText(html));
    }

    [Fact]
    public void WithoutAnOutputFileTheSummaryGoesToStderr()
    {
        ChildResult result = RunHarness.Heapmon(["run", "--track", "Workload.Nodes.*", "--", RunHarness.Workload, "build", "2", "3"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("built 2 dirs of 3 files\n", result.StdOut);
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("heapmon: ", l));
        Assert.Contains(lines, l => l.StartsWith("heapmon: exit ", StringComparison.Ordinal));
        // At start no node exists yet: the three classes are counted in one line, not listed with zeros.
        Assert.Equal("heapmon:   (3 classes with no instances)", lines[2]);
        Assert.Matches(@"^heapmon:   Workload\.Nodes\.FileNode +6 ", Assert.Single(lines, l => l.Contains("FileNode")));
    }

    private static long AllocatedBytes(Func<object> make)
    {
        make(); // the first call may allocate once (JIT, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(make());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
