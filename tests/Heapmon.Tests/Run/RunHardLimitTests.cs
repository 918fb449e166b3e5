using Heapmon.Model;

namespace Heapmon.Tests.Run;

/// <summary>
/// A program running close to its GC heap hard limit (<c>DOTNET_GCHeapHardLimit=0x6000000</c>, 96 MiB) under
/// <c>heapmon run --track --interval 0.1</c>: Heapmon sizes its no-GC regions and snapshot buffers from the room left
/// under the limit, so the program runs to its end and is never pushed into an OutOfMemoryException.
/// </summary>
public sealed class RunHardLimitTests
{
    private const string HardLimit = "0x6000000";
    private const int Thousands = 40; // ~42 MB kept of 96 MiB, with ~450 MB of short-lived garbage on the way

    private static string Target => TestPaths.Assembly("Heapmon.Tests.Target");

    private static Dictionary<string, string?> Limited => new() { ["DOTNET_GCHeapHardLimit"] = HardLimit, ["DOTNET_gcServer"] = "0" };

    [Fact]
    public void TheLimitIsRealThePlainProgramFitsAndHeapmonKeepsItWorking()
    {
        // The oracle that the limit holds: twice as much does not fit; the program alone does.
        ChildResult tooBig = ChildProcess.Run(ChildProcess.DotnetHost, ["exec", Target, "hardlimit", "120"], Limited);
        Assert.NotEqual(0, tooBig.ExitCode);
        ChildResult plain = ChildProcess.Run(ChildProcess.DotnetHost, ["exec", Target, "hardlimit", $"{Thousands}"], Limited);
        Assert.True(plain.ExitCode == 0, plain.ToString());

        string dump = Path.Combine(Directory.CreateTempSubdirectory("heapmon-hardlimit-").FullName, "limit.json.gz");
        ChildResult run = RunHarness.Heapmon(["run", "--track", "Heapmon.Tests.Target.LimitItem", "--interval", "0.1", "-o", dump,
            "--", Target, "hardlimit", $"{Thousands}"], environment: Limited);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"done|{Thousands * 1000}|", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("OutOfMemory", run.StdOut + run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Out of memory", run.StdOut + run.StdErr, StringComparison.Ordinal);
        TrackerData data = RunHarness.LoadDump(dump);
        int[] counts = [.. data.Snapshots.Select(s => s.Classes.Single(c => c.ClassName.EndsWith("LimitItem", StringComparison.Ordinal)).Active)];
        Assert.True(counts.Length >= 5, $"only {counts.Length} snapshots:\n{run}");
        Assert.All(counts, c => Assert.InRange(c, 0, Thousands * 1000));
        // The exit snapshot counts every record, unless it was skipped with the documented warning (too close to the limit).
        Assert.True(counts[^1] == Thousands * 1000 || run.StdErr.Contains("close to its GC memory limit", StringComparison.Ordinal), run.ToString());
    }
}
