using Heapmon.Allocations;

namespace Heapmon.Tests.Run;

/// <summary>`--alloc` writes the allocation tracer's snapshot beside the outputs; `--garbage` the cycles among tracked objects.</summary>
public sealed class RunAllocAndGarbageTests
{
    [Fact]
    public void Alloc_writes_a_snapshot_whose_top_lines_are_the_programs_allocations()
    {
        string dir = TestPaths.NewTempDirectory("run-alloc");
        string dump = Path.Combine(dir, "x.json.gz");

        // 50,000 files of about 200 bytes: ~10 MB allocated, ~100 samples at one per 100 KiB.
        ChildResult result = RunHarness.Heapmon(["run", "--alloc", "--traceback-limit", "3", "-o", dump, "--", RunHarness.Workload, "build", "50", "1000"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string allocPath = Path.Combine(dir, "x.alloc.json");
        Assert.Contains($"heapmon: wrote {allocPath}", result.StdErr);
        AllocationSnapshot snapshot = AllocationSnapshot.Load(allocPath);
        Assert.Equal(3, snapshot.TracebackLimit);
        var top = snapshot.TopBy(GroupBy.File).Top();
        Assert.NotEmpty(top);
        Assert.EndsWith("Nodes.cs", top[0].Key.FileName);
    }

    [Fact]
    public void Garbage_writes_the_cycles_among_tracked_objects_as_graphviz()
    {
        string dir = TestPaths.NewTempDirectory("run-garbage");
        string dot = Path.Combine(dir, "leakgraph.dot");

        ChildResult result = RunHarness.Heapmon(["run", "--track", "Workload.Nodes.*", "--garbage", dot, "--", RunHarness.Workload, "cycles"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string graph = File.ReadAllText(dot);
        Assert.StartsWith("digraph", graph);
        // Each of the 5 directories forms one cycle with its 10 files (through their lists).
        Assert.Contains("label=\"5 reference cycles", graph);
        Assert.Equal(5, Count(graph, "label=\"Workload.Nodes.DirNode\\n"));
        Assert.Equal(50, Count(graph, "label=\"Workload.Nodes.FileNode\\n"));
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
