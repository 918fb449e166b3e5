using static Heapmon.Tests.CliRunner;
using System.Xml.Linq;

namespace Heapmon.Tests.Garbage;

[Collection(HeapWalkCollection.Name)]
public sealed class GarbageCommandTests
{
    [Fact]
    public void TheDemoPrintsItsThreeCyclesAndTheLeaksRetentionPathAndWritesDotSvgAndPdf()
    {
        string dir = TestPaths.NewTempDirectory("garbage-cli");
        string dot = Path.Combine(dir, "leakgraph.dot"), svg = Path.Combine(dir, "leakgraph.svg"), pdf = Path.Combine(dir, "leakgraph.pdf");

        (int exit, string output, string error) = RunCli("garbage", "--demo", "-o", dot, "-o", svg, "--output", pdf);

        Assert.True(exit == 0, error);
        Assert.Contains("3 reference cycles among 9 objects", output);
        Assert.Contains("cycle 1: 6 objects", output);
        Assert.Contains("cycle 2: 2 objects", output);
        Assert.Contains("cycle 3: 1 object,", output);
        Assert.Contains("1. static Heapmon.Demo.Settings.Changed  [StaticField]", output);
        Assert.Contains("._target -> Heapmon.Demo.GarbageDemo+<>c__DisplayClass", output);
        Assert.Contains(".leaked -> Heapmon.Demo.Section", output);
        Assert.Contains("NOT thread stacks (gcroot -nostacks", output);

        Assert.Equal(3, File.ReadAllText(dot).Split("subgraph cluster_").Length - 1);
        XDocument rendered = XDocument.Load(svg);
        Assert.Equal(9, rendered.Descendants().Count(e => (string?)e.Attribute("class") == "node"));
        Assert.StartsWith("%PDF", File.ReadAllText(pdf)[..4]);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        // One "wrote" line per file, in the one style every command uses.
        Assert.Equal([$"heapmon: wrote {dot} (", $"heapmon: wrote {svg} (", $"heapmon: wrote {pdf} ("],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..(l.IndexOf('(') + 1)]));
    }

    [Fact]
    public void TheRetentionGraphShowsTheRootAndTheTarget()
    {
        string dir = TestPaths.NewTempDirectory("garbage-cli");
        string dot = Path.Combine(dir, "why.dot");
        (int exit, _, string error) = RunCli("garbage", "--demo", "--graph", "retention", "-o", dot);
        Assert.True(exit == 0, error);
        string text = File.ReadAllText(dot);
        Assert.Contains("label=\"static Heapmon.Demo.Settings.Changed\"", text);
        Assert.Contains("[label=\"_target\"]", text);
        Assert.Contains("style=bold, color=red", text);
    }

    [Fact]
    public void WithoutDemoItExplainsWhatToDoAndFailsWithExitCode2()
    {
        (int exit, string output, string error) = RunCli("garbage");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("heapmon: error: heapmon garbage needs a heap: --pid PID --type TYPE for a running .NET process, or --demo.", error);
        Assert.Contains("heapmon run --garbage leakgraph.dot", error);
    }

    [Fact]
    public void BadOutputNamesAndUnwritableFoldersAreClearErrors()
    {
        (int exit, string output, string error) = RunCli("garbage", "--demo", "-o", "graph.png");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--output 'graph.png': unknown kind of graph file; use .dot (Graphviz source), .svg or .pdf", error);

        (exit, output, error) = RunCli("garbage", "--demo", "-o", "/proc/heapmon-no-such-dir/g.dot");
        Assert.Equal("", output);
        Assert.Equal(2, exit);
        Assert.StartsWith("heapmon: error: ", error);

        (exit, _, error) = RunCli("garbage", "--demo", "--graph", "everything");
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void WithoutGraphvizAnSvgIsRefusedBeforeTheDemoAndADotFileNeedsNoGraphviz()
    {
        string dir = TestPaths.NewTempDirectory("garbage-nodot");
        string dot = Path.Combine(dir, "g.dot"), svg = Path.Combine(dir, "g.svg");
        // A child process whose PATH has no dot in it: refused before the demo runs, nothing written.
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Cli"), ["garbage", "--demo", "-o", dot, "-o", svg],
            new Dictionary<string, string?> { ["PATH"] = dir });
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StdOut);
        Assert.StartsWith("heapmon: error: rendering .svg or .pdf needs Graphviz's dot, which is not on the PATH: install Graphviz", result.StdErr);
        Assert.Empty(Directory.GetFileSystemEntries(dir));

        // Without an SVG or PDF asked for, dot is not needed.
        result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Cli"), ["garbage", "--demo", "-o", dot], new Dictionary<string, string?> { ["PATH"] = dir });
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(dot), result.ToString());
    }
}
