using Heapmon.Cli;
using Heapmon.Cli.Commands;
using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>`heapmon size --demo`: the tree printed matches the library's own measurement, aligned in columns.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class SizeCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = HeapmonCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void DemoPrintsTheReferentTreeWithTheDeepSizeOfTheDemoGraph()
    {
        (int code, string output, _) = Run("size", "--demo");

        string[] rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipWhile(l => !l.StartsWith("referent", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.Equal(0, code);
        SizedObject expected = ObjectSize.Measure(SizeCommand.DemoLibrary.Create(), 2);
        Assert.Equal(CountNodes(expected), rows.Length);
        Assert.StartsWith("DemoLibrary ", rows[0]);
        Assert.Contains($" {ByteUnits.Aligned(expected.Size)} {ByteUnits.Aligned(expected.Flat)}  100% [0]", rows[0]);
        Assert.Contains(rows, r => r.StartsWith("  Books ", StringComparison.Ordinal) && r.EndsWith("[1]", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("    _entries ", StringComparison.Ordinal) && r.EndsWith("[2]", StringComparison.Ordinal));
        // Aligned like Pympler's table: the size columns start at the same place on every row.
        Assert.Single(rows.Select(r => r.IndexOf('%')).Distinct());
        Assert.All(rows, r => Assert.Equal(' ', r[50]));
    }

    [Fact]
    public void DetailChangesHowManyLevelsAreListed()
    {
        (_, string zero, _) = Run("size", "--demo", "--detail", "0");
        (_, string three, _) = Run("size", "--demo", "-d", "3");

        Assert.DoesNotContain("[1]", zero);
        Assert.Contains("[3]", three);
    }

    [Fact]
    public void ReachableCountsWhatTheDefaultLeavesOut()
    {
        (int code, string output, _) = Run("size", "--demo", "--reachable", "--detail", "0");

        long reachable = ObjectSize.Deep(SizeCommand.DemoLibrary.Create(), SizingOptions.Reachable);
        Assert.Equal(0, code);
        Assert.True(reachable > ObjectSize.Deep(SizeCommand.DemoLibrary.Create()));
        Assert.Contains($" {ByteUnits.Aligned(reachable)} ", output);
    }

    [Fact]
    public void WithoutDemoOrWithANegativeDetailItFailsWithOneClearLine()
    {
        (int code, _, string error) = Run("size");
        Assert.Equal(2, code);
        Assert.StartsWith("heapmon: error: size needs --demo", error);

        (int negative, _, string detailError) = Run("size", "--demo", "--detail", "-1");
        Assert.Equal(2, negative);
        Assert.Contains("--detail must be 0 or more", detailError);
    }

    private static int CountNodes(SizedObject node) => 1 + node.Referents.Sum(CountNodes);
}
