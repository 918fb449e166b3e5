using static Heapmon.Tests.CliRunner;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;
using StatsView = Heapmon.Stats.TrackerStats;

namespace Heapmon.Tests.Stats;

public sealed class StatsCommandTests
{
    private readonly string _dir = TestPaths.NewTempDirectory("statscli");

    private string Dump(TrackerData data)
    {
        string path = Path.Combine(_dir, "profile.stats");
        new StatsView(data).DumpStats(path);
        return path;
    }

    [Fact]
    public void SummaryPrintsWhatConsoleStatsPrints()
    {
        string path = Dump(StatsFixtures.Factory());
        var expected = new StringWriter();
        new ConsoleStats(StatsFixtures.Factory(), expected).PrintSummary();

        var (exit, output, error) = RunCli("stats", path, "--summary");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal(expected.ToString(), output);
    }

    [Fact]
    public void SortLimitAndFilterGiveTheTenLargestNodes()
    {
        TrackerData data = StatsFixtures.Large(objectCount: 2000, snapshotCount: 8);
        string path = Dump(data);
        var expected = new StringWriter();
        new ConsoleStats(data, expected).SortStats("size", "name").PrintStats(10, "Node");

        var (exit, output, _) = RunCli("stats", path, "--sort", "size", "--sort", "name", "--top", "10", "--filter", "Node");

        Assert.Equal(0, exit);
        Assert.Equal(expected.ToString(), output);
        Assert.Equal(10, output.Split('\n').Count(l => l.Length > 0 && l[0] != ' '));
        Assert.Equal(output, RunCli("stats", path, "-s", "size,name", "-n", "10", "-f", "Node").Out);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("newer")]
    [InlineData("badkey")]
    [InlineData("badlimit")]
    public void BadInputIsOneLineExitTwoAndNoOutput(string problem)
    {
        string path = Dump(StatsFixtures.Factory());
        string[] args = ["stats", path];
        string expected = problem switch
        {
            "missing" => $"{path}.nope: no such file",
            "text" => $"{path}: not a Heapmon stats file (not gzip-compressed)",
            "truncated" => $"{path}: truncated or corrupt gzip data",
            "newer" => $"{path}: written by a newer Heapmon (stats format version 3; this version reads up to 1)",
            "badkey" => "unknown sort key 'szie' (did you mean 'size'?)",
            _ => "--top must be 0 or more, not -1",
        };
        switch (problem)
        {
            case "missing": args = ["stats", path + ".nope"]; break;
            case "text": File.WriteAllText(path, "name,size\nNode,48\nNode,64\n"); break;
            case "truncated": File.WriteAllBytes(path, File.ReadAllBytes(path)[..^200]); break;
            case "newer": File.WriteAllBytes(path, StatsFileTests.Gzip("{\"format\":\"heapmon-stats\",\"version\":3}")); break;
            case "badkey": args = ["stats", path, "--sort", "szie"]; break;
            default: args = ["stats", path, "--top", "-1"]; break;
        }

        var (exit, output, error) = RunCli(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("heapmon: error: " + expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }
}
