using static Heapmon.Tests.CliRunner;
using Heapmon.Cli;

namespace Heapmon.Tests.Cli;

public sealed class HeapmonCliTests
{
    [Fact]
    public void HelpNamesTheCommandUsersTypeAndEverySubcommand()
    {
        (int exit, string stdout, _) = RunCli("--help");
        Assert.Equal(0, exit);
        Assert.Contains("heapmon [command] [options]", stdout);
        Assert.DoesNotContain("Heapmon.Cli [command]", stdout);
        foreach (string command in new[] { "demo", "size", "stats", "html", "census", "alloc", "garbage", "run" })
            Assert.Contains($"\n  {command}", stdout);
    }

    [Fact]
    public void AMisspeltCommandIsAUsageErrorWithASuggestionOnStderr()
    {
        (int exit, string stdout, string stderr) = RunCli("stast");
        Assert.Equal(HeapmonCli.UsageError, exit);
        Assert.Equal("", stdout);
        Assert.Contains("stast", stderr);
        Assert.Contains("stats", stderr);
    }

    [Fact]
    public void NoCommandIsAUsageError()
    {
        (int exit, string stdout, string stderr) = RunCli();
        Assert.Equal(HeapmonCli.UsageError, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("heapmon: error: no command given: choose one of demo, size, stats, ", stderr);
        Assert.EndsWith("; see 'heapmon --help'\n", stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void DemoRefusesAnUnknownOutputKindBeforeRunning()
    {
        (int exit, string stdout, string stderr) = RunCli("demo", "-o", "out.xlsx");
        Assert.Equal(HeapmonCli.UsageError, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("heapmon: error: --output 'out.xlsx': unknown kind of file", stderr);
    }
}

[Collection(HeapWalkCollection.Name)]
public sealed class DemoCommandTests
{
    [Fact]
    public void DemoPrintsBothSummariesAndWritesADumpThatLoadsBackAndAReport()
    {
        string dir = TestPaths.NewTempDirectory("demo");
        string dump = Path.Combine(dir, "demo.json.gz"), html = Path.Combine(dir, "demo.html"), txt = Path.Combine(dir, "demo.txt");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = HeapmonCli.Run(["demo", "-o", dump, "-o", html, "-o", txt], output, error);

        Assert.True(exit == 0, error.ToString());
        string printed = output.ToString();
        Assert.Equal(2, printed.Split("---- SUMMARY").Length - 1);
        Assert.Contains("hiring round 5", printed);
        // The dump holds what was printed last: the workload's twelve snapshots, 15,000 employees at the peak.
        var stats = Heapmon.Stats.TrackerStats.Load(dump);
        Assert.Equal(12, stats.Data.Snapshots.Count);
        Assert.Equal(15000, stats.Data.Snapshots[5].Classes.Single(c => c.ClassName.EndsWith(".Employee", StringComparison.Ordinal)).Active);
        // The text output is the same summary that was printed.
        Assert.Contains(File.ReadAllText(txt).TrimEnd(), printed);
        Assert.Contains("<svg", File.ReadAllText(html));
    }
}
