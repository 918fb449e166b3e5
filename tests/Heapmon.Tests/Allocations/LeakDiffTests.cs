using Heapmon.Allocations;
using Heapmon.Cli;

namespace Heapmon.Tests.Allocations;

/// <summary>tracemalloc's "compare snapshots" example: a growing cache next to steady churn, in a child process.</summary>
public sealed class LeakDiffTests
{
    private static readonly Lazy<string> s_run = new(() =>
    {
        string dir = TestPaths.NewTempDirectory("alloc-leak");
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Allocations"), ["leak", dir], timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
        return dir;
    });

    private static readonly Dictionary<string, int> s_lines = SourceLines.Sites("samples/Allocations/Leak.cs");

    [Fact]
    public void TheDiffPutsTheLeakingLineFirstWithTheAmountItGrew()
    {
        AllocationSnapshot first = AllocationSnapshot.Load(Path.Combine(s_run.Value, "leak-1.json"));
        AllocationSnapshot second = AllocationSnapshot.Load(Path.Combine(s_run.Value, "leak-2.json"));
        long grew = long.Parse(File.ReadAllText(Path.Combine(s_run.Value, "leak.truth.txt")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

        StatsDiff diff = second.TopBy(GroupBy.Line).CompareTo(first.TopBy(GroupBy.Line));
        diff.Sort();
        StatsDifference top = diff.Differences[0];
        Assert.EndsWith("/samples/Allocations/Leak.cs", top.Key.FileName);
        Assert.Equal(s_lines["leak"], top.Key.LineNumber);
        // 20 MB in 100 KB blocks is ~125 samples: the estimate is within ±25% (about 4.5 standard errors).
        Assert.InRange(top.SizeDiff, grew * 0.75, grew * 1.25);

        // The churn line allocated the same in both phases: its diff is the smaller one.
        StatsDifference churn = diff.Differences.Single(d => d.Key.FileName!.EndsWith("Leak.cs") && d.Key.LineNumber == s_lines["churn"]);
        Assert.True(churn.SizeDiff < top.SizeDiff / 5, $"churn grew {churn.SizeDiff}");
    }

    [Fact]
    public void TheCommandLineShowsTheLeakFirstAndItsTraceback()
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter();
        Assert.Equal(0, HeapmonCli.Run(["alloc", "-M", "-n", "3", Path.Combine(s_run.Value, "leak-1.json"), Path.Combine(s_run.Value, "leak-2.json")], output, error));
        string second = output.ToString().Split("(compared to")[1];
        Assert.Matches($@"^[^\n]*\n#1: \.\.\./samples/Allocations/Leak\.cs:{s_lines["leak"]}: size=[0-9.]+ MiB [^\n]*\(\+[0-9.]+ MiB\)", second);

        output = new StringWriter { NewLine = "\n" };
        Assert.Equal(0, HeapmonCli.Run(["alloc", "--traceback", "-n", "1", "-P", "1", Path.Combine(s_run.Value, "leak-2.json")], output, error));
        // Traceback limit 4: the allocating line, then its callers.
        Assert.Contains($"  at AllocationsSample.Leak.Step(int32) in .../Leak.cs:{s_lines["leak"]}\n  at AllocationsSample.Leak.Run(class System.String) in .../Leak.cs:", output.ToString());
    }
}
