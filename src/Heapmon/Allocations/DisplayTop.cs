using System.Globalization;

namespace Heapmon.Allocations;

/// <summary>
/// Prints the top allocations in tracemalloc's layout (tracemalloc: DisplayTop):
/// <c>#1: .../Data/Loader.cs:120: size=93 MiB, count=13, average=7 MiB</c>, then <c>N more:</c>, the
/// totals, and the metrics; with a previous snapshot, each figure is followed by its change.
/// </summary>
public sealed class DisplayTop
{
    /// <summary>Show sizes (tracemalloc: DisplayTop.size).</summary>
    public bool Size { get; set; } = true;

    /// <summary>Show counts (tracemalloc: DisplayTop.count).</summary>
    public bool Count { get; set; } = true;

    /// <summary>Show average sizes (tracemalloc: DisplayTop.average).</summary>
    public bool Average { get; set; } = true;

    /// <summary>Show the snapshot's metrics (tracemalloc: DisplayTop.metrics).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Show a size's 95% interval where it is wider than ±1% (Heapmon: sampled figures are estimates).</summary>
    public bool Interval { get; set; } = true;

    /// <summary>True: always colour; false: never; null: colour when writing to a terminal and NO_COLOR is unset (tracemalloc: DisplayTop.color).</summary>
    public bool? Color { get; set; }

    /// <summary>Compare with the previous snapshot (true) or the first one (false) (tracemalloc: DisplayTop.compare_to_previous).</summary>
    public bool CompareToPrevious { get; set; } = true;

    /// <summary>Trailing file name parts shown, the rest as <c>...</c>; 0 shows all (tracemalloc: DisplayTop.filename_parts).</summary>
    public int FilenameParts { get; set; } = 3;

    /// <summary>The stats the next display compares with (tracemalloc: DisplayTop.previous_top_stats).</summary>
    public GroupedStats? PreviousTopStats { get; set; }

    /// <summary>Takes a snapshot and displays its top (tracemalloc: DisplayTop.display); returns the snapshot.</summary>
    public AllocationSnapshot Display(int count = 10, GroupBy groupBy = GroupBy.Line, bool cumulative = false, TextWriter? output = null, Action<AllocationSnapshot>? callback = null)
    {
        AllocationSnapshot snapshot = AllocationSnapshot.Take(traces: cumulative || groupBy == GroupBy.Address, metrics: Metrics);
        callback?.Invoke(snapshot);
        DisplaySnapshot(snapshot, count, groupBy, cumulative, output);
        return snapshot;
    }

    /// <summary>Displays the top of <paramref name="snapshot"/> (tracemalloc: DisplayTop.display_snapshot).</summary>
    public void DisplaySnapshot(AllocationSnapshot snapshot, int count = 10, GroupBy groupBy = GroupBy.Line, bool cumulative = false, TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        DisplayTopStats(snapshot.TopBy(groupBy, cumulative), count, output);
    }

    /// <summary>Displays grouped stats, compared with <see cref="PreviousTopStats"/> when set (tracemalloc: DisplayTop.display_top_stats).</summary>
    public void DisplayTopStats(GroupedStats topStats, int count = 10, TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(topStats);
        GroupedStats? previous = PreviousTopStats is { } p && p.GroupBy == topStats.GroupBy && p.Cumulative == topStats.Cumulative ? p : null;
        StatsDiff diff = topStats.CompareTo(previous);
        diff.Sort();
        DisplayTopDiff(diff, count, output);
        if (CompareToPrevious || PreviousTopStats is null) PreviousTopStats = topStats;
    }

    /// <summary>Displays a diff's top <paramref name="count"/> groups (tracemalloc: DisplayTop.display_top_diff).</summary>
    public void DisplayTopDiff(StatsDiff topDiff, int count = 10, TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(topDiff);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TextWriter writer = output ?? Console.Out;
        var style = new TopStyle(UseColor(writer));
        new TopWriter(this, style, writer).Write(topDiff, count);
        writer.Flush();
    }

    private bool UseColor(TextWriter writer) => Color ?? (
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected);
}
