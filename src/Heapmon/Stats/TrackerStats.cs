using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Off-line view of what a tracker recorded: load or dump a stats file, sort the tracked objects
/// (Pympler: tracker.stats.Stats). Works on plain <see cref="TrackerData"/> only, so a dump and a
/// live tracker give the same results.
/// </summary>
public class TrackerStats
{
    private List<TrackedObjectRecord> _sorted;

    /// <summary>Stats over recorded tracker data; objects start in announcement order (Pympler: Stats(tracker=...)).</summary>
    public TrackerStats(TrackerData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        _sorted = [.. data.Objects];
    }

    /// <summary>Stats over everything <paramref name="tracker"/> has recorded so far (Pympler: Stats(tracker=tracker)).</summary>
    public TrackerStats(ITrackerDataSource tracker) : this(DataOf(tracker)) { }

    /// <summary>A view sharing <paramref name="other"/>'s data and current sort order.</summary>
    protected TrackerStats(TrackerStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Data = other.Data;
        _sorted = [.. other._sorted];
    }

    /// <summary>The recorded data: snapshots, classes and tracked objects.</summary>
    public TrackerData Data { get; }

    /// <summary>The tracked objects in the current sort order (Pympler: Stats.sorted).</summary>
    public IReadOnlyList<TrackedObjectRecord> Sorted => _sorted;

    /// <summary>The keys <see cref="SortStats"/> accepts, in Pympler's default order.</summary>
    public static IReadOnlyList<string> SortKeys => StatsSort.Keys;

    /// <summary>Checks sort keys before any work: throws for the first one that is not in <see cref="SortKeys"/>, with a suggestion.</summary>
    /// <exception cref="ArgumentException">A key is unknown; the message names it and the likely key meant.</exception>
    public static void CheckSortKeys(IEnumerable<string> keys) => StatsSort.Validate(keys);

    /// <summary>Reads a stats file written by <see cref="DumpStats"/> (Pympler: Stats.load_stats).</summary>
    /// <exception cref="HeapmonFormatException">The file is missing, of another format, truncated, corrupt or from a newer version.</exception>
    public static TrackerStats Load(string path) => new(StatsFile.Read(path));

    /// <summary>Writes everything recorded to <paramref name="path"/>, atomically, in the versioned stats format (Pympler: Stats.dump_stats).</summary>
    /// <exception cref="ArgumentException">The data breaks the model's rules (a sample naming a missing snapshot, snapshots out of order); nothing is written.</exception>
    public void DumpStats(string path) => StatsFile.Write(path, Data);

    /// <summary>
    /// Sorts the tracked objects by one or more keys — <c>classname</c>, <c>name</c>, <c>size</c>,
    /// <c>tsize</c>, <c>birth</c>, <c>death</c>, <c>repr</c> — later keys breaking ties of earlier ones;
    /// sizes sort largest first. The sort is stable; no keys means all keys (Pympler: sort_stats).
    /// </summary>
    /// <exception cref="ArgumentException">A key is not one of <see cref="SortKeys"/>.</exception>
    public TrackerStats SortStats(params string[] keys)
    {
        _sorted = StatsSort.Sort(Data, _sorted, keys);
        return this;
    }

    private protected static TrackerData DataOf(ITrackerDataSource tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        return tracker.ToData();
    }

    /// <summary>Reverses the current order (Pympler: reverse_order).</summary>
    public TrackerStats ReverseOrder()
    {
        _sorted.Reverse();
        return this;
    }
}
