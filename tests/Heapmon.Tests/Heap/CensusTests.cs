using Heapmon.Cli;
using Heapmon.Cli.Commands;
using Heapmon.Heap;
using Heapmon.Tests.Target;

namespace Heapmon.Tests.Heap;

[Collection(HeapWalkCollection.Name)]
public sealed class CensusTests
{
    [Fact]
    public void CensusCountsAndBytesMatchTheKnownPopulationAndClrMd()
    {
        var population = new Population();
        HeapCensus census = HeapCensus.Take();

        using var oracle = new ClrMdOracle();
        var dogs = oracle.Heap.EnumerateObjects(carefully: true).Where(o => o.Type?.Name == typeof(Dog).FullName).ToList();
        TypeStatistics dog = census.Types.Single(t => t.TypeName == typeof(Dog).FullName);
        Assert.Equal(60, dog.Count);
        Assert.Equal(dogs.Count, dog.Count);
        Assert.Equal(dogs.Sum(d => (long)oracle.AlignedSize(d.Address)), dog.Bytes);
        TypeStatistics boxes = census.Types.Single(t => t.TypeName == "Heapmon.Tests.Target.Box<System.Int32>");
        Assert.Equal(120, boxes.Count);
        Assert.Equal(census.ObjectCount, census.Types.Sum(t => t.Count));
        Assert.Equal(census.TotalBytes, census.Types.Sum(t => t.Bytes));
        Assert.Equal(Enum.GetValues<HeapGeneration>(), census.Generations.Select(g => g.Generation));
        Assert.True(census.Types.Zip(census.Types.Skip(1)).All(p => p.First.Bytes >= p.Second.Bytes), "types are not sorted by bytes");
        GC.KeepAlive(population);
    }

    [Fact]
    public void CensusDemoPrintsTheDemoTypesWithCountsAndShares()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // The census is of this whole test process: tests outside the heap-walk collection run meanwhile and their
        // large arrays can outrank the demo's types, so the table is long enough to hold the demo's rows anyway.
        int exit = HeapmonCli.Run(["census", "--demo", "--top", "60", "--no-color"], stdout, stderr);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr.ToString());
        string[] lines = stdout.ToString().Split('\n');
        Assert.Matches(@"DemoHeap\+OrderLine\s+60,000\s+2\.75 MiB\s+\d+\.\d %", lines.Single(l => l.Contains("DemoHeap+OrderLine ")));
        Assert.Matches(@"DemoHeap\+Order\s+20,000\s+781\.25 KiB", lines.SingleOrDefault(l => l.Contains("DemoHeap+Order ")) ?? stdout.ToString());
        Assert.Contains(lines, l => l.Contains("more types"));
        Assert.DoesNotContain("\u001b[", stdout.ToString());
    }

    [Theory]
    [InlineData(new[] { "census" }, "--demo")]
    [InlineData(new[] { "census", "--demo", "--top", "0" }, "--top must be 1 or more, not 0")]
    public void BadCensusArgumentsGiveOneLineAndExitCode2(string[] args, string message)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        Assert.Equal(2, HeapmonCli.Run(args, stdout, stderr));
        Assert.StartsWith("heapmon: error: ", stderr.ToString());
        Assert.Contains(message, stderr.ToString());
    }

    [Fact]
    public void CensusTableLayoutIsStable()
    {
        var census = new HeapCensus(
            [new("App.Node", 3_000, 96_000), new("System.String", 1_200, 48_512), new("System.Byte[]", 2, 1_048_600)],
            [.. Enum.GetValues<HeapGeneration>().Select(g => new GenerationStatistics(g, g == HeapGeneration.Gen2 ? 4_202 : 0, g == HeapGeneration.Gen2 ? 1_193_112 : 0))],
            freeCount: 5, freeBytes: 4_096);
        var output = new StringWriter();

        CensusTable.Render(census, top: 2, output, color: false);

        // Trailing spaces are Spectre's padding; compare without them.
        string expected = """

              Type             Count         Bytes     Share
            ──────────────────────────────────────────────────
              App.Node         3,000     93.75 KiB     8.0 %
              System.String    1,200     47.38 KiB     4.1 %
              (1 more types)       2      1.00 MiB    87.9 %
              Total            4,202      1.14 MiB   100.0 %


              Generation   Objects         Bytes
            ──────────────────────────────────────
              Gen0               0         0   B
              Gen1               0         0   B
              Gen2           4,202      1.14 MiB
              Large              0         0   B
              Pinned             0         0   B
              Frozen             0         0   B
              Free space         5      4.00 KiB
            """;
        string actual = string.Join('\n', output.ToString().ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).TrimEnd('\n');
        Assert.Equal(expected.ReplaceLineEndings("\n").Split('\n'), actual.Split('\n'));
    }
}
