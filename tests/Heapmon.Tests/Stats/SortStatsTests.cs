using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;
using StatsView = Heapmon.Stats.TrackerStats;

namespace Heapmon.Tests.Stats;

public sealed class SortStatsTests
{
    private static readonly TrackerData s_data = StatsFixtures.Large(objectCount: 3000, snapshotCount: 12, seed: 11);

    private static long MaxSize(TrackedObjectRecord o) => o.Samples.Count == 0 ? 0 : o.Samples.Max(s => s.Size);

    [Fact]
    public void SizeSortsLargestFirstAndKeepsAnnouncementOrderForTies()
    {
        var sorted = new StatsView(s_data).SortStats("size").Sorted;
        // LINQ's OrderBy is documented stable: the oracle for "stable".
        Assert.Equal(s_data.Objects.OrderByDescending(MaxSize).Select(o => o.Id), sorted.Select(o => o.Id));
    }

    [Fact]
    public void SeveralKeysBreakTiesInOrder()
    {
        var sorted = new StatsView(s_data).SortStats("classname", "death", "size").Sorted;
        var expected = s_data.Objects
            .OrderBy(o => o.ClassName, StringComparer.Ordinal)
            .ThenBy(o => o.Death is null) // alive objects after every dead one
            .ThenBy(o => o.Death)
            .ThenByDescending(MaxSize);
        Assert.Equal(expected.Select(o => o.Id), sorted.Select(o => o.Id));
    }

    [Fact]
    public void SuccessiveSortsCompose()
    {
        // Sorting by size, then stably by class name, is the same as sorting by (classname, size).
        var twice = new StatsView(s_data).SortStats("size").SortStats("classname").Sorted;
        var once = new StatsView(s_data).SortStats("classname", "size").Sorted;
        Assert.Equal(once.Select(o => o.Id), twice.Select(o => o.Id));
    }

    [Fact]
    public void TsizeIsTheSizeAtTheSnapshotWithTheLargestTrackedTotal()
    {
        int largest = s_data.Snapshots.OrderByDescending(s => s.TrackedTotal).First().Index;
        var sorted = new StatsView(s_data).SortStats("tsize").Sorted;
        Assert.Equal(s_data.Objects.OrderByDescending(o => o.SizeAt(largest)).Select(o => o.Id), sorted.Select(o => o.Id));
    }

    [Fact]
    public void NameBirthAndReverse()
    {
        Assert.Equal(s_data.Objects.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => o.Id), new StatsView(s_data).SortStats("name").Sorted.Select(o => o.Id));
        Assert.Equal(s_data.Objects.OrderBy(o => o.Birth).Select(o => o.Id), new StatsView(s_data).SortStats("birth").Sorted.Select(o => o.Id));
        Assert.Equal(s_data.Objects.OrderBy(o => o.Birth).Reverse().Select(o => o.Id), new StatsView(s_data).SortStats("birth").ReverseOrder().Sorted.Select(o => o.Id));
    }

    [Fact]
    public void NoKeysMeansPymplersFullCriteria()
    {
        var all = new StatsView(s_data).SortStats().Sorted;
        var explicitKeys = new StatsView(s_data).SortStats("classname", "tsize", "birth", "death", "name", "repr", "size").Sorted;
        Assert.Equal(explicitKeys.Select(o => o.Id), all.Select(o => o.Id));
        Assert.Equal(s_data.Objects.OrderBy(o => o.ClassName, StringComparer.Ordinal).Select(o => o.ClassName), all.Select(o => o.ClassName));
    }

    [Fact]
    public void UnknownKeyIsRefusedWithASuggestion()
    {
        var stats = new StatsView(s_data);
        var before = stats.Sorted.Select(o => o.Id).ToList();
        var e = Assert.Throws<ArgumentException>(() => stats.SortStats("size", "sise"));
        Assert.StartsWith("unknown sort key 'sise' (did you mean 'size'?); known keys: classname, tsize, birth, death, name, repr, size", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, stats.Sorted.Select(o => o.Id)); // nothing half-sorted
    }

    [Fact]
    public void TenLargestNodesAsInTheSeed()
    {
        // The seed: stats.sort_stats('size').print_stats(limit=10, filter='Node')
        var output = new StringWriter();
        new ConsoleStats(s_data, output).SortStats("size").PrintStats(limit: 10, filter: "Node");

        var expected = s_data.Objects.Where(o => o.ClassName.Contains("Node", StringComparison.Ordinal))
            .OrderByDescending(MaxSize).Take(10).Select(o => $"#{o.Id}").ToList();
        var printed = output.ToString().Split('\n').Where(l => l.Length > 0 && l[0] != ' ')
            .Select(l => l[33..].Split(' ')[0]).ToList();
        Assert.Equal(expected, printed);
        // The filter's substring rule lets NodeList and Other.Nodes.Graph in, as Pympler's does.
        Assert.Contains(s_data.Objects.Where(o => expected.Contains($"#{o.Id}")), o => o.ClassName != "Demo.Node");
    }

    [Fact]
    public void WildcardFilterMatchesWholeNames()
    {
        var output = new StringWriter();
        new ConsoleStats(s_data, output).SortStats("size").PrintStats(limit: 10, filter: "*.Node");
        var classes = output.ToString().Split('\n').Where(l => l.Length > 0 && l[0] != ' ').Select(l => l[..32].TrimEnd()).Distinct();
        Assert.Equal(["Demo.Node"], classes);

        output = new StringWriter();
        new ConsoleStats(s_data, output).PrintStats(filter: "Node*");
        classes = output.ToString().Split('\n').Where(l => l.Length > 0 && l[0] != ' ').Select(l => l[..32].TrimEnd()).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["Demo.Node", "Demo.NodeList"], classes); // short names match too; Other.Nodes.Graph does not
    }

    [Fact]
    public void LimitCountsObjectsAfterFiltering()
    {
        var output = new StringWriter();
        new ConsoleStats(s_data, output).PrintStats(limit: 0);
        Assert.Equal("", output.ToString());
        output = new StringWriter();
        new ConsoleStats(s_data, output).PrintStats(limit: 3, filter: "Employee");
        Assert.Equal(3, output.ToString().Split('\n').Count(l => l.StartsWith("Demo.Employee ", StringComparison.Ordinal)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsoleStats(s_data, output).PrintStats(limit: -1));
    }
}
