using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Run;

/// <summary>However the program ends, it keeps its exit code and leaves a valid output behind.</summary>
public sealed class RunExitPathTests
{
    [Theory]
    [InlineData("quick", 0, "exit")]
    [InlineData("exit3", 3, "exit")]
    [InlineData("crash", 134, "exit: unhandled System.InvalidOperationException")]
    public void EveryWayOfEndingLeavesAValidDumpAndTheProgramsExitCode(string mode, int exitCode, string lastSnapshot)
    {
        string dir = TestPaths.NewTempDirectory("run-exit");
        string dump = Path.Combine(dir, "heap.json.gz");
        string summary = Path.Combine(dir, "heap.txt");

        ChildResult result = RunHarness.Heapmon(["run", "--track", "Workload.Nodes.*", "-o", dump, "-o", summary, "--", RunHarness.Workload, mode]);

        Assert.True(exitCode == result.ExitCode, result.ToString());
        TrackerData data = RunHarness.LoadDump(dump);
        Assert.Equal(["start", lastSnapshot], data.Snapshots.Select(s => s.Description));
        Assert.Equal(["Workload.Nodes.DirNode", "Workload.Nodes.FileNode", "Workload.Nodes.Node"], data.Classes.Select(c => c.ClassName).Order());
        // The program's 5 directories of 10 files, still held when it ended.
        Snapshot last = data.Snapshots[^1];
        Assert.Equal(50, Assert.Single(last.Classes, c => c.ClassName == "Workload.Nodes.FileNode").Active);
        Assert.Equal(5, Assert.Single(last.Classes, c => c.ClassName == "Workload.Nodes.DirNode").Active);
        Assert.True(File.Exists(summary));
        Assert.Contains($"heapmon: wrote {dump}", result.StdErr);
        Assert.Empty(Directory.GetFiles(dir, ".*.tmp"));
        if (mode == "crash") Assert.Contains("the workload crashed on purpose", result.StdErr);
    }

    [Fact]
    public void StdinStdoutStderrAndTheExitCodePassThroughUnchanged()
    {
        string dir = TestPaths.NewTempDirectory("run-echo");
        string input = "line one\nline two with ünïcode\n\nlast line without newline";

        ChildResult result = RunHarness.Heapmon(["run", "-o", Path.Combine(dir, "x.txt"), "--", RunHarness.Workload, "echo"], stdin: input);

        Assert.Equal(7, result.ExitCode);
        Assert.Equal(input, result.StdOut);
        string[] errors = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("workload: a line on stderr", errors);
        Assert.All(errors.Where(l => l != "workload: a line on stderr"), line => Assert.StartsWith("heapmon: ", line));
    }

    [Fact]
    public void OnlyTheLaunchedProcessIsProfiledItsChildrenInheritNothing()
    {
        string dir = TestPaths.NewTempDirectory("run-env");
        ChildResult result = RunHarness.Heapmon(["run", "--track", "X.*", "-o", Path.Combine(dir, "x.txt"), "--", RunHarness.Workload, "env"]);

        // The hook removed itself and its settings from the environment this process hands to its children.
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.StdOut);
        Assert.True(File.Exists(Path.Combine(dir, "x.txt")), result.ToString());
    }

    [Fact]
    public void TheHookDoesNothingAndLoadsNothingWhenNotConfigured()
    {
        var environment = new Dictionary<string, string?> { ["DOTNET_STARTUP_HOOKS"] = TestPaths.Assembly("Heapmon.StartupHook") };
        ChildResult hooked = ChildProcess.RunDotnet(RunHarness.Workload, ["assemblies"], environment);
        ChildResult plain = ChildProcess.RunDotnet(RunHarness.Workload, ["assemblies"]);

        Assert.Equal(0, hooked.ExitCode);
        string[] loaded = hooked.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The hook's own tiny assembly is all: no session, no Heapmon, no ClrMD, no TraceEvent, no second context.
        Assert.Equal(["Heapmon.StartupHook"], loaded.Where(a => !plain.StdOut.Contains(a)).ToArray());
        Assert.Equal("", hooked.StdErr);
    }

    [Fact]
    public void ABadHandSetVariableIsReportedAndTheProgramRunsUnprofiled()
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_STARTUP_HOOKS"] = TestPaths.Assembly("Heapmon.StartupHook"),
            ["HEAPMON_INTERVAL"] = "soon",
        };
        ChildResult result = ChildProcess.RunDotnet(RunHarness.Workload, ["build", "2", "3"], environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("built 2 dirs of 3 files\n", result.StdOut);
        Assert.Equal("heapmon: error: HEAPMON_INTERVAL: 'soon' is not a positive number of seconds. Profiling is off for this run.\n", result.StdErr);
    }

    [Fact]
    public void AMisspeltVariableIsNamedWithTheNearestKnownOne()
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_STARTUP_HOOKS"] = TestPaths.Assembly("Heapmon.StartupHook"),
            ["HEAPMON_TRACK"] = "Workload.Nodes.*",
            ["HEAPMON_OUTPT"] = "/tmp/never.html",
        };
        ChildResult result = ChildProcess.RunDotnet(RunHarness.Workload, ["quick"], environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("heapmon: warning: unknown variable HEAPMON_OUTPT is ignored (did you mean HEAPMON_OUTPUT?)\n", result.StdErr);
        Assert.False(File.Exists("/tmp/never.html"));
    }

    [Fact]
    public void ACommandThatCannotStartReturns127()
    {
        ChildResult result = RunHarness.Heapmon(["run", "--", "/no/such/program"]);
        Assert.Equal(127, result.ExitCode);
        Assert.StartsWith("heapmon: error: cannot start '/no/such/program': ", result.StdErr);
    }
}
