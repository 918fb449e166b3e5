using System.Globalization;
using System.Text.RegularExpressions;
using Heapmon.Allocations;
using Heapmon.Tests.Attach;
using Heapmon.Tests.Run;

namespace Heapmon.Tests.Allocations;

/// <summary>
/// <c>heapmon alloc --pid</c> on a program that knows nothing of Heapmon: it allocates at two known lines
/// while heapmon reads its events from outside; the truth comes from the GC's exact per-thread counter.
/// </summary>
[Collection(AllocationTracerCollection.Name)]
public sealed partial class ProcessSamplingTests
{
    private const string Source = "samples/Allocations/TwoSites.cs";
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);
    private static readonly Dictionary<string, int> s_lines = SourceLines.Sites(Source);

    private static RunningProgram StartTwoSites() =>
        RunningProgram.Start([ChildProcess.DotnetHost, "exec", TestPaths.Assembly("Allocations"), "two-sites"], "ready ");

    /// <summary>Lets the program allocate once heapmon samples it; returns the true bytes of each site.</summary>
    private static (long Arrays, long Orders) Allocate(RunningProgram program, HeapmonProcess heapmon)
    {
        heapmon.WaitForError("heapmon: sampling the allocations of", s_timeout);
        program.Send("go");
        Match done = Done().Match(program.WaitForLine("done ", s_timeout));
        return (long.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(done.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static AllocationStats Site(AllocationSnapshot snapshot, string site) =>
        snapshot.TopBy(GroupBy.Line).Stats.Single(p => p.Key.FileName!.EndsWith("/" + Source, StringComparison.Ordinal) && p.Key.LineNumber == s_lines[site]).Value;

    [Fact]
    public void AllocPidGivesTheTwoKnownLinesAsTheTopTwoWithTheTruthInTheirIntervals()
    {
        string file = Path.Combine(TestPaths.NewTempDirectory("alloc-pid"), "app.alloc.json");
        using RunningProgram program = StartTwoSites();
        using var heapmon = HeapmonProcess.Start("alloc", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "-o", file, "--traceback-limit", "2");
        (long arrays, long orders) = Allocate(program, heapmon);
        heapmon.Interrupt(); // Ctrl-C ends the sampling early, and the snapshot is still written
        ChildResult result = heapmon.Finish(s_timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"heapmon: wrote {file}", result.StdErr);
        AllocationSnapshot snapshot = AllocationSnapshot.Load(file);
        Assert.Equal(program.Pid, snapshot.ProcessId);
        Assert.Equal(2, snapshot.TracebackLimit);
        var top = snapshot.TopBy(GroupBy.Line).Top();
        Assert.Equal((Source, s_lines["arrays"]), (Tail(top[0].Key.FileName), top[0].Key.LineNumber));
        Assert.Equal((Source, s_lines["orders"]), (Tail(top[1].Key.FileName), top[1].Key.LineNumber));

        // 1 MiB arrays are all but certainly sampled: the interval is tight and holds the truth.
        AllocationStats big = Site(snapshot, "arrays");
        Assert.True(big.Size.Contains(arrays), $"{big.Size} vs {arrays}");
        Assert.True(big.Count.Contains(40), big.Count.ToString());
        // 350,000 small objects give ~140 samples: the 95% interval holds the truth 19 times in 20, so the
        // check is five standard errors, which holds all but once in a million runs.
        AllocationStats small = Site(snapshot, "orders");
        Assert.InRange(small.Samples, 50, 400);
        Assert.True(Math.Abs(small.Size.Value - orders) <= 5 * Math.Sqrt(small.SizeVariance), $"{small.Size} vs {orders}");
        Assert.True(Math.Abs(small.Count.Value - 350_000) <= 5 * Math.Sqrt(small.CountVariance), $"{small.Count} vs 350,000");
        Assert.All(snapshot.Traces!.Where(t => t.Traceback.Count > 0 && t.Traceback[0].LineNumber == s_lines["orders"]), t => Assert.Equal(2, t.Traceback.Count));

        program.Send("exit");
        Assert.Equal(0, program.WaitForExit(s_timeout));
    }

    [Fact]
    public void ATargetThatExitsDuringAllocPidStillGetsItsSnapshotWritten()
    {
        string file = Path.Combine(TestPaths.NewTempDirectory("alloc-pid-exit"), "app.alloc.json");
        using RunningProgram program = StartTwoSites();
        using var heapmon = HeapmonProcess.Start("alloc", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "-o", file);
        (long arrays, _) = Allocate(program, heapmon);
        program.Send("exit");
        Assert.Equal(0, program.WaitForExit(s_timeout));
        ChildResult result = heapmon.Finish(s_timeout);

        Assert.Equal(15, result.ExitCode);
        Assert.Contains("exited during the command; the allocations sampled until then are in " + file, result.StdErr);
        Assert.Contains($"heapmon: wrote {file}", result.StdErr);
        Assert.True(Site(AllocationSnapshot.Load(file), "arrays").Size.Contains(arrays));
    }

    [Fact]
    public void WithoutAnOutputTheTopLinesArePrinted()
    {
        using RunningProgram program = StartTwoSites();
        using var heapmon = HeapmonProcess.Start("alloc", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "--top", "3", "--duration", "600");
        Allocate(program, heapmon);
        heapmon.Interrupt();
        ChildResult result = heapmon.Finish(s_timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StdOut.Split('\n');
        Assert.StartsWith("#1: ", lines.First(l => l.Contains("TwoSites.cs:" + s_lines["arrays"], StringComparison.Ordinal)));
        Assert.StartsWith("#2: ", lines.First(l => l.Contains("TwoSites.cs:" + s_lines["orders"], StringComparison.Ordinal)));
        program.Send("exit");
    }

    [Theory]
    [InlineData(new[] { "alloc", "--pid", "999999999" }, 10, "heapmon: error: no process has pid 999999999.")]
    [InlineData(new[] { "alloc", "--pid", "1", "old.json" }, 2, "heapmon: error: give either SNAPSHOT files or --pid, not both.")]
    [InlineData(new[] { "alloc", "--duration", "3", "old.json" }, 2, "heapmon: error: --duration, --output and --traceback-limit apply to --pid.")]
    [InlineData(new[] { "alloc" }, 2, "heapmon: error: missing SNAPSHOT: give snapshot files to show, or --pid PID to sample a running process.")]
    [InlineData(new[] { "alloc", "--pid", "1", "-o", "/nonexistent/x.json" }, 2, "heapmon: error: cannot write /nonexistent/x.json: the folder /nonexistent does not exist")]
    public void BadInputIsOneLineWithItsExitCodeBeforeAnyWork(string[] args, int exitCode, string message)
    {
        ChildResult result = RunHarness.Heapmon(args);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(message, result.StdErr.Trim());
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public void AProcessThatIsNotDotnetIsRefusedWithItsExitCode()
    {
        using RunningProgram sleeper = RunningProgram.Start(["sh", "-c", "echo ready; exec sleep 60"], "ready");
        ChildResult result = RunHarness.Heapmon(["alloc", "--pid", sleeper.Pid.ToString(CultureInfo.InvariantCulture), "--duration", "1"]);
        Assert.Equal(11, result.ExitCode);
        Assert.Matches(@"^heapmon: error: process \d+ \(sleep\) is not a \.NET process", result.StdErr.Trim());
    }

    private static string Tail(string? file) => file is null ? "" : file[(file.IndexOf("samples/", StringComparison.Ordinal) is int at and >= 0 ? at : 0)..];

    [GeneratedRegex(@"^done arrays=(\d+) orders=(\d+)$")]
    private static partial Regex Done();
}
