namespace Heapmon.Allocations;

/// <summary>Allocations of a snapshot grouped one way (tracemalloc: GroupedStats), made by <see cref="AllocationSnapshot.TopBy"/>.</summary>
public sealed class GroupedStats
{
    internal GroupedStats(DateTimeOffset timestamp, GroupBy groupBy, bool cumulative, IReadOnlyDictionary<string, Metric> metrics,
        IReadOnlyDictionary<AllocationKey, AllocationStats> stats, AllocationStats total)
    {
        Timestamp = timestamp;
        GroupBy = groupBy;
        Cumulative = cumulative;
        Metrics = metrics;
        Stats = stats;
        Total = total;
    }

    /// <summary>When the snapshot was taken (tracemalloc: GroupedStats.timestamp).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>How allocations were grouped (tracemalloc: GroupedStats.group_by).</summary>
    public GroupBy GroupBy { get; }

    /// <summary>Whether every frame of a traceback counted, not only the most recent (tracemalloc: GroupedStats.cumulative).</summary>
    public bool Cumulative { get; }

    /// <summary>The snapshot's metrics (tracemalloc: GroupedStats.metrics).</summary>
    public IReadOnlyDictionary<string, Metric> Metrics { get; }

    /// <summary>Estimated size and count per key (tracemalloc: GroupedStats.stats).</summary>
    public IReadOnlyDictionary<AllocationKey, AllocationStats> Stats { get; }

    /// <summary>All sampled allocations together (each counted once, even when cumulative).</summary>
    public AllocationStats Total { get; }

    /// <summary>The groups from biggest to smallest: by size, then count, then key.</summary>
    public IReadOnlyList<KeyValuePair<AllocationKey, AllocationStats>> Top() =>
        [.. Stats.OrderByDescending(p => p.Value.Size.Value).ThenByDescending(p => p.Value.Count.Value).ThenByDescending(p => p.Key)];

    /// <summary>Differences from <paramref name="old"/> (null: everything is new); unsorted until <see cref="StatsDiff.Sort"/> (tracemalloc: compare_to).</summary>
    public StatsDiff CompareTo(GroupedStats? old)
    {
        var differences = new List<StatsDifference>(Stats.Count);
        foreach ((AllocationKey key, AllocationStats stats) in Stats)
        {
            AllocationStats? before = old?.Stats.GetValueOrDefault(key);
            differences.Add(new StatsDifference(
                stats.Size.Value - (before?.Size.Value ?? 0), stats.Size.Value,
                stats.Count.Value - (before?.Count.Value ?? 0), stats.Count.Value, key) { Stats = stats });
        }
        if (old is not null)
            foreach ((AllocationKey key, AllocationStats stats) in old.Stats)
                if (!Stats.ContainsKey(key))
                    differences.Add(new StatsDifference(-stats.Size.Value, 0, -stats.Count.Value, 0, key));
        return new StatsDiff(differences, old, this);
    }
}
