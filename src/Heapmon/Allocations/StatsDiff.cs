namespace Heapmon.Allocations;

/// <summary>One group's change between two <see cref="GroupedStats"/> (tracemalloc: a (size_diff, size, count_diff, count, key) tuple).</summary>
/// <param name="SizeDiff">Estimated bytes added (negative: removed).</param>
/// <param name="Size">Estimated bytes now.</param>
/// <param name="CountDiff">Estimated objects added.</param>
/// <param name="Count">Estimated objects now.</param>
/// <param name="Key">The group.</param>
public sealed record StatsDifference(double SizeDiff, double Size, double CountDiff, double Count, AllocationKey Key)
{
    /// <summary>The group's estimates now, with their intervals; null when the group is gone.</summary>
    public AllocationStats? Stats { get; init; }
}

/// <summary>Differences between two <see cref="GroupedStats"/> (tracemalloc: StatsDiff), made by <see cref="GroupedStats.CompareTo"/>.</summary>
public sealed class StatsDiff
{
    private readonly List<StatsDifference> _differences;

    internal StatsDiff(List<StatsDifference> differences, GroupedStats? oldStats, GroupedStats newStats)
    {
        _differences = differences;
        OldStats = oldStats;
        NewStats = newStats;
    }

    /// <summary>One entry per group in either snapshot (tracemalloc: StatsDiff.differences).</summary>
    public IReadOnlyList<StatsDifference> Differences => _differences;

    /// <summary>The older stats, or null (tracemalloc: StatsDiff.old_stats).</summary>
    public GroupedStats? OldStats { get; }

    /// <summary>The newer stats (tracemalloc: StatsDiff.new_stats).</summary>
    public GroupedStats NewStats { get; }

    /// <summary>Sorts biggest change first: by |size diff|, size, |count diff|, count, then key, all descending (tracemalloc: StatsDiff.sort).</summary>
    public void Sort() => _differences.Sort(static (a, b) =>
    {
        int c = Math.Abs(b.SizeDiff).CompareTo(Math.Abs(a.SizeDiff));
        if (c == 0) c = b.Size.CompareTo(a.Size);
        if (c == 0) c = Math.Abs(b.CountDiff).CompareTo(Math.Abs(a.CountDiff));
        if (c == 0) c = b.Count.CompareTo(a.Count);
        return c != 0 ? c : b.Key.CompareTo(a.Key);
    });
}
