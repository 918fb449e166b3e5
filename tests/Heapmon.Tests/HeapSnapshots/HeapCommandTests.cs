using Heapmon.Cli;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Tests.HeapSnapshots;

/// <summary>`heapmon heap snapshot`: the file it writes reads back with the figures it printed; bad input is refused before any work.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapCommandTests
{
    [Fact]
    public void DemoSnapshotWritesAFileThatReadsBackWithTheDemoOrders()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory("heap-cmd"), "demo.heapsnap");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = HeapmonCli.Run(["heap", "snapshot", "--demo", "-o", path, "--top", "5", "--graph"], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        HeapSnapshotData snapshot = HeapSnapshotFile.Load(path, graph: true);
        Assert.True(snapshot.HasGraph);
        HeapTypeSummary orders = snapshot.Types.Single(t => t.TypeName == "Heapmon.Cli.Commands.DemoHeap+Order");
        Assert.Equal(20_000, orders.Count);
        Assert.Equal(20_000 * 40, orders.Bytes);
        Assert.Contains($"{orders.RetainedBytes:N0}  Heapmon.Cli.Commands.DemoHeap+Order", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("20,000 instances of Heapmon.Cli.Commands.DemoHeap+Order", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("held by static Heapmon.Cli.Commands.HeapCommand.s_demo", stdout.ToString(), StringComparison.Ordinal);
        // The graph keeps every object walked, Heapmon's own too (left out of the figures only).
        Assert.InRange(snapshot.Graph!.ObjectCount, snapshot.ObjectCount, snapshot.ObjectCount + 100_000);
    }

    [Theory]
    [InlineData("heap snapshot -o x.heapsnap", "heap snapshot needs a heap")]
    [InlineData("heap snapshot --demo -o /no/such/folder/x.heapsnap", "the folder /no/such/folder does not exist")]
    [InlineData("heap diff a.heapsnap b.heapsnap --top 0", "--top")]
    public void BadInputIsRefusedWithOneLine(string arguments, string problem)
    {
        var stderr = new StringWriter();
        Assert.Equal(HeapmonCli.UsageError, HeapmonCli.Run(arguments.Split(' '), new StringWriter(), stderr));
        Assert.Contains(problem, stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Trim().Split('\n'));
    }

    [Fact]
    public void StacksWithoutAPidIsRefusedWithOneLineAndWritesNothing()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory("heap-cmd-stacks"), "a.heapsnap");
        var stderr = new StringWriter();

        int exit = HeapmonCli.Run(["heap", "snapshot", "--stacks", "--demo", "-o", path], new StringWriter(), stderr);

        Assert.Equal(HeapmonCli.UsageError, exit);
        Assert.Contains("--stacks", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--pid", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Trim().Split('\n'));
        Assert.False(File.Exists(path));
    }
}
