using System.Text.Json;
using Heapmon.Allocations;

namespace Heapmon.Tests.Allocations;

/// <summary>
/// The sample allocates known amounts at known lines in a child process (its own tracer, no other
/// tests' allocations); truth comes from the GC's exact per-thread byte counter and the loop counts.
/// It runs in a non-parallel collection: with the rest of the suite competing for the 2 cores, the child's
/// session fell behind and a snapshot missed samples (a 2.5 MB group with none).
/// </summary>
[Collection(AllocationTracerCollection.Name)]
public sealed class AccuracyTests
{
    private sealed record Truth(string Site, string Type, long Count, long Bytes);

    private const long OneMB = 1_000_000;

    private static readonly Lazy<string> s_run = new(() =>
    {
        string dir = TestPaths.NewTempDirectory("alloc-accuracy");
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Allocations"), ["accuracy", dir, "6"], timeout: TimeSpan.FromMinutes(4));
        Assert.True(result.ExitCode == 0, result.ToString());
        return dir;
    });

    private static List<Truth> ReadTruth(string name) => JsonSerializer.Deserialize<List<Truth>>(File.ReadAllText(Path.Combine(s_run.Value, name)))!;

    private static Dictionary<string, AllocationStats> SitesByLine(AllocationSnapshot snapshot)
    {
        Dictionary<string, int> lines = SourceLines.Sites("samples/Allocations/Accuracy.cs");
        Dictionary<AllocationKey, AllocationStats> stats = snapshot.TopBy(GroupBy.Line).Stats.ToDictionary();
        var result = new Dictionary<string, AllocationStats>();
        foreach ((string site, int line) in lines)
        {
            var match = stats.Where(p => p.Key.FileName!.EndsWith("/samples/Allocations/Accuracy.cs", StringComparison.Ordinal) && p.Key.LineNumber == line).ToList();
            if (match.Count == 1) result[site] = match[0].Value;
        }
        return result;
    }

    [Fact]
    public void TopByLineNamesEverySiteAbove1MBInTheRightOrder()
    {
        List<Truth> truth = ReadTruth("sites.truth.json");
        Dictionary<string, AllocationStats> estimated = SitesByLine(AllocationSnapshot.Load(Path.Combine(s_run.Value, "sites.json")));
        string[] expected = [.. truth.Where(t => t.Bytes > OneMB).OrderByDescending(t => t.Bytes).Select(t => t.Site)];
        Assert.Equal(7, expected.Length);
        Assert.All(expected, site => Assert.True(estimated.ContainsKey(site), $"site {site} missing from the top"));
        Assert.Equal(expected, expected.OrderByDescending(site => estimated[site].Size.Value));

        // And in the printed top, the sites appear in that order (other lines may sit between them).
        var top = AllocationSnapshot.Load(Path.Combine(s_run.Value, "sites.json")).TopBy(GroupBy.Line).Top();
        Dictionary<string, int> lines = SourceLines.Sites("samples/Allocations/Accuracy.cs");
        int[] ranks = [.. expected.Select(site => top.ToList().FindIndex(p => p.Key.FileName!.EndsWith("Accuracy.cs") && p.Key.LineNumber == lines[site]))];
        Assert.Equal(ranks.Order(), ranks);
    }

    [Fact]
    public void TopByTypeNamesEveryTypeAbove1MBInTheRightOrder()
    {
        var truthByType = ReadTruth("sites.truth.json").GroupBy(t => t.Type).ToDictionary(g => g.Key, g => g.Sum(t => t.Bytes));
        var estimated = AllocationSnapshot.Load(Path.Combine(s_run.Value, "sites.json")).TopBy(GroupBy.Type).Stats.ToDictionary(p => p.Key.TypeName!, p => p.Value);
        string[] expected = [.. truthByType.Where(p => p.Value > OneMB).OrderByDescending(p => p.Value).Select(p => p.Key)];
        Assert.Equal(["System.Int64[]", "System.Byte[]", "System.Int32[]", "System.String", "AllocationsSample.Node", "System.Object"], expected);
        Assert.All(expected, type => Assert.True(estimated.ContainsKey(type), $"type {type} missing"));
        Assert.Equal(expected, expected.OrderByDescending(type => estimated[type].Size.Value));
    }

    [Fact]
    public void IntervalsHoldTheTrueSizeAndCountForAtLeast90PercentOfSites()
    {
        var misses = new List<string>();
        int checks = 0, unsampled = 0;
        void Check(string what, AllocationStats? stats, Truth truth)
        {
            if (stats is null)
            {
                // Only a small group can go unsampled: P(no sample) = e^(−bytes/100 KiB).
                Assert.True(truth.Bytes < 1_500_000, $"{what}: {truth.Bytes} bytes and no sample");
                unsampled++;
                return;
            }
            checks += 2;
            if (!stats.Size.Contains(truth.Bytes)) misses.Add($"{what} size {truth.Bytes} not in {stats.Size}");
            if (!stats.Count.Contains(truth.Count)) misses.Add($"{what} count {truth.Count} not in {stats.Count}");
        }

        Dictionary<string, AllocationStats> sites = SitesByLine(AllocationSnapshot.Load(Path.Combine(s_run.Value, "sites.json")));
        foreach (Truth truth in ReadTruth("sites.truth.json")) Check(truth.Site, sites.GetValueOrDefault(truth.Site), truth);
        for (int round = 0; round < 6; round++)
        {
            var byType = AllocationSnapshot.Load(Path.Combine(s_run.Value, $"tagged-{round}.json")).TopBy(GroupBy.Type).Stats.ToDictionary(p => p.Key.TypeName!, p => p.Value);
            foreach (Truth truth in ReadTruth($"tagged-{round}.truth.json")) Check($"round {round} {truth.Site}", byType.GetValueOrDefault(truth.Type), truth);
        }
        Assert.True(checks >= 300, $"only {checks} checks ({unsampled} groups unsampled)");
        Assert.True(misses.Count <= 0.1 * checks, $"{misses.Count} of {checks} intervals missed:\n{string.Join("\n", misses)}");
    }
}
