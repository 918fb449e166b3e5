using Heapmon.Allocations;
using Heapmon.Model;
using Heapmon.Tests.Allocations;

namespace Heapmon.Tests.Run;

/// <summary>`--alloc` writes the allocation tracer's snapshot beside the outputs; `--garbage` the cycles among tracked objects.</summary>
public sealed class RunAllocAndGarbageTests
{
    /// <summary>Code of Heapmon's own or of what it runs on (ClrMD, TraceEvent, the diagnostics client), by file or method.</summary>
    private static bool IsHeapmons(string? file, string? method) =>
        file is not null && (file.Contains("/src/Heapmon", StringComparison.Ordinal) || file.Contains("Microsoft.Diagnostics", StringComparison.Ordinal)
            || file.Contains("ClrMD", StringComparison.OrdinalIgnoreCase) || file.Contains("TraceEvent", StringComparison.Ordinal))
        || method is not null && (method.StartsWith("Heapmon.", StringComparison.Ordinal) || method.StartsWith("Microsoft.Diagnostics.", StringComparison.Ordinal));

    [Fact]
    public void NoneOfTheTop20LinesUnderRunAllocIsHeapmonsOwn()
    {
        // The Attachee knows nothing of Heapmon; tracking its ledger at 5 snapshots a second keeps the agent's
        // heap walks busy in the same process while a thread churns small arrays.
        string dir = TestPaths.NewTempDirectory("run-alloc-own");
        using var heapmon = HeapmonProcess.Start("run", "--alloc", "--traceback-limit", "5", "--track", "Attachee.LedgerEntry", "--interval", "0.2",
            "-o", Path.Combine(dir, "x.json.gz"), "--", TestPaths.Assembly("Heapmon.Tests.Attachee"), "churn", "20000", "4");
        // Six seconds of the program's own clock once it runs (its startup under the agent varies with the machine's load).
        heapmon.WaitForOutput("ready ", TimeSpan.FromMinutes(1));
        heapmon.WaitForOutput("tick 6 ", TimeSpan.FromMinutes(1));
        heapmon.Send("quit");
        ChildResult result = heapmon.Finish(TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 4, result.ToString()); // the program's own exit code
        AllocationSnapshot snapshot = AllocationSnapshot.Load(Path.Combine(dir, "x.alloc.json"));
        var top = snapshot.TopBy(GroupBy.Line).Top().Take(20).ToList();
        Assert.True(top.Count >= 3, string.Join('\n', top.Select(p => p.Key.ToString())));
        Assert.All(top, p => Assert.False(IsHeapmons(p.Key.FileName, null), $"{p.Key.FileName}:{p.Key.LineNumber} is Heapmon's own"));
        Assert.All(snapshot.Traces!.SelectMany(t => t.Traceback), f => Assert.False(IsHeapmons(f.FileName, f.Method), $"{f.Method} ({f.FileName}) is Heapmon's own"));
        Assert.EndsWith("/tests/Heapmon.Tests.Attachee/Program.cs", top[0].Key.FileName); // the churn
        // Not vacuous: Heapmon did allocate in the program meanwhile, and those samples were left out.
        Assert.True(snapshot.GetMetric("tracer.own_samples")!.Value > 0, "the agent allocated nothing while tracking?");
        Assert.True(RunHarness.LoadDump(Path.Combine(dir, "x.json.gz")).Snapshots.Count > 3);
    }

    [Fact]
    public void UnderRunAllocTheProgramsChildrenNeitherSeeNorWaitOnHeapmonsPort()
    {
        // The runtime waits at startup on a suspending diagnostic port: a child that inherited it would hang.
        ChildResult child = RunHarness.Heapmon(["run", "--alloc", "--", RunHarness.Workload, "child"], timeout: TimeSpan.FromMinutes(1));
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Contains("child exited with 0", child.StdOut);

        ChildResult env = RunHarness.Heapmon(["run", "--alloc", "--", RunHarness.Workload, "env"]);
        Assert.True(env.ExitCode == 0, env.ToString());
        Assert.Equal("", env.StdOut);
    }

    [Fact]
    public void AllocWritesASnapshotWhoseTopLinesAreTheProgramsAllocations()
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
    public void GarbageWritesTheCyclesAmongTrackedObjectsAsGraphviz()
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
