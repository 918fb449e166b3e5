using System.Runtime.CompilerServices;
using Heapmon.Model;
using Heapmon.Samples.Factory;
using Heapmon.Stats;
using Heapmon.Tracking;
using static Heapmon.Tests.CliRunner;

namespace Heapmon.Tests.Stats;

/// <summary>
/// <c>heapmon stats --compare</c> and <c>heapmon html --compare</c> on two runs of the Factory example with different
/// populations (Pympler's SCons tutorial, before and after); the oracle is the two files read back.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class CompareCommandTests
{
    private const string EmployeeType = "Heapmon.Samples.Factory.Employee";
    private readonly string _dir = TestPaths.NewTempDirectory("compare");

    [Fact]
    public void TwoFactoryRunsPrintTheExactDeltasOfTheFilesReadBack()
    {
        string before = Run("before.json.gz", 1000), after = Run("after.json.gz", 2500);
        ClassSummary a = LastEmployees(before), b = LastEmployees(after);
        Assert.Equal((1000, 2500), (a.Active, b.Active));
        Assert.Equal(2500 * b.Average, b.Total); // every Employee is the same size, so the delta is exactly 1500 of them
        Assert.Equal(1000 * a.Average, a.Total);

        var (exit, output, error) = RunCli("stats", "--compare", before, after);

        Assert.True(exit == 0, error);
        string[] lines = output.Split('\n');
        int at = Array.FindIndex(lines, l => l == "  " + EmployeeType);
        Assert.True(at > 0, output);
        Assert.Equal(Expected("before", a.Active.ToString(), ByteUnits.Aligned(a.Total), ByteUnits.Aligned(a.Average)), lines[at + 1]);
        Assert.Equal(Expected("after", b.Active.ToString(), ByteUnits.Aligned(b.Total), ByteUnits.Aligned(b.Average)), lines[at + 2]);
        Assert.Equal(Expected("Δ", "+1500", ComparisonReport.SignedBytes(1500 * a.Average), ByteUnits.Aligned(0)), lines[at + 3]);
        Assert.Contains("+1500", lines[at + 3]);
        Assert.DoesNotContain("tracked objects between", output); // two runs: their objects are not the same ones
        Assert.All(lines, l => Assert.True(l.Length <= 79, l));

        // The same with the label present in both, and as an HTML page.
        Assert.Equal(output, RunCli("stats", "--compare", before, after, "--label", "populated").Out);
        string html = Path.Combine(_dir, "compare.html");
        Assert.Equal(0, RunCli("html", "--compare", before, after, "-o", html).Exit);
        Assert.Contains($"<td>{EmployeeType}</td><td class=\"n\">1,000</td><td class=\"n\">2,500</td><td class=\"n up\">+1,500</td>", File.ReadAllText(html));
    }

    [Theory]
    [InlineData("absent")]
    [InlineData("mismatched")]
    [InlineData("truncated")]
    [InlineData("newer")]
    [InlineData("heapsnap")]
    [InlineData("threelabels")]
    [InlineData("labelalone")]
    [InlineData("fileandcompare")]
    public void BadInputIsOneLineExitTwoAndNoOutput(string problem)
    {
        string before = Path.Combine(_dir, "before.json.gz"), after = Path.Combine(_dir, "after.json.gz");
        new TrackerStats(StatsFixtures.Factory()).DumpStats(before);
        TrackerData second = StatsFixtures.Factory();
        new TrackerStats(second with { Snapshots = [.. second.Snapshots.Select(s => s with { Description = "second" })] }).DumpStats(after);
        string[] args = ["stats", "--compare", before, after];
        string expected;
        switch (problem)
        {
            case "absent": args = [.. args, "--label", "nope"]; expected = $"no snapshot labelled 'nope' in {before} (it has no labelled snapshots)"; break;
            case "mismatched": args = [.. args, "--label", "second"]; expected = $"no snapshot labelled 'second' in {before}"; break;
            case "truncated": File.WriteAllBytes(after, File.ReadAllBytes(after)[..^200]); expected = $"{after}: truncated or corrupt gzip data"; break;
            case "newer": File.WriteAllBytes(after, StatsFileTests.Gzip("{\"format\":\"heapmon-stats\",\"version\":2}")); expected = $"{after}: written by a newer Heapmon (stats format version 2; this version reads up to 1)"; break;
            case "heapsnap":
                HeapSnapshotFile.Save(new HeapSnapshotData(DateTimeOffset.UnixEpoch, 1, "x", new HeapProcessFigures(0, 0, 0, 0), [], [], [], 0, 0), after);
                expected = $"{after}: not a Heapmon stats file: the file is a Heapmon heap snapshot";
                break;
            case "threelabels": args = [.. args, "--label", "a", "--label", "b", "--label", "c"]; expected = "--label is given 3 times"; break;
            case "labelalone": args = ["stats", before, "--label", "a"]; expected = "--label chooses the snapshots of --compare"; break;
            default: args = ["stats", before, "--compare", before, after]; expected = "--compare prints its own table of two files"; break;
        }

        var (exit, output, error) = RunCli(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("heapmon: error: " + expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    private static string Expected(string side, string active, string total, string average) =>
        $"    {side,-31} {active,11} {total,12} {average,12}";

    private ClassSummary LastEmployees(string path) =>
        TrackerStats.Load(path).Data.Snapshots[^1].Classes.Single(c => c.ClassName == EmployeeType);

    /// <summary>One run of the Factory sample with <paramref name="population"/> workers, dumped to a file; its objects die with the call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private string Run(string name, int population)
    {
        string path = Path.Combine(_dir, name);
        Factory factory = FactoryExample.CreateFactory();
        using var tracker = new ClassTracker();
        tracker.TrackObject(factory);
        tracker.TrackClass<Employee>();
        tracker.CreateSnapshot("empty");
        FactoryExample.PopulateFactory(factory, population);
        tracker.CreateSnapshot("populated");
        new TrackerStats(tracker).DumpStats(path);
        GC.KeepAlive(factory);
        return path;
    }
}
