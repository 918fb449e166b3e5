namespace Heapmon.Model;

/// <summary>
/// Two tracker runs side by side: one snapshot of each (the last, or one chosen by label), per tracked class
/// active instances, total and average before, after and the difference — the comparison Pympler's SCons
/// tutorial makes by eye between two runs' summaries. When both sides come from one tracker run, the
/// per-object facts too: new, dead and survived objects (<see cref="TrackedObjectsDiff"/>).
/// </summary>
public sealed class TrackerComparison
{
    private TrackerComparison(Snapshot before, Snapshot after, IReadOnlyList<ClassComparison> classes, TrackedObjectsDiff? objects)
    {
        Before = before;
        After = after;
        Classes = classes;
        Objects = objects;
    }

    /// <summary>The snapshot compared on the earlier side.</summary>
    public Snapshot Before { get; }

    /// <summary>The snapshot compared on the later side.</summary>
    public Snapshot After { get; }

    /// <summary>Every tracked class in either snapshot, largest growth of total first (then active growth, then name).</summary>
    public IReadOnlyList<ClassComparison> Classes { get; }

    /// <summary>New, dead and survived objects per class when both sides are one tracker's run; null for two different runs.</summary>
    public TrackedObjectsDiff? Objects { get; }

    /// <summary>
    /// Compares the snapshot labelled <paramref name="beforeLabel"/> of <paramref name="before"/> (default: its last) with the
    /// one labelled <paramref name="afterLabel"/> of <paramref name="after"/> (default: its last). Classes are matched by name.
    /// </summary>
    /// <exception cref="ArgumentException">A side has no snapshots, or no snapshot with the label asked for; the message names the labels it has.</exception>
    public static TrackerComparison Compare(TrackerData before, TrackerData after, string? beforeLabel = null, string? afterLabel = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        Snapshot a = Pick(before, beforeLabel, "the first run");
        Snapshot b = Pick(after, afterLabel, "the second run");
        // One run (the same file twice, or two dumps of one session): its objects are the same on both sides.
        Snapshot? earlierInAfter = before.Run == after.Run ? after.Snapshots.FirstOrDefault(s => s.Timestamp == a.Timestamp && s.Description == a.Description) : null;
        TrackedObjectsDiff? objects = earlierInAfter is null || earlierInAfter.Index > b.Index ? null : TrackedObjectsDiff.Between(after, earlierInAfter.Index, b.Index);
        return new TrackerComparison(a, b, Match(a, b), objects);
    }

    /// <summary>The snapshot labelled <paramref name="label"/> (the last of that label), or the last one when no label is given.</summary>
    /// <param name="data">A tracker's data.</param>
    /// <param name="label">The label, or null for the last snapshot.</param>
    /// <param name="side">What an error message calls <paramref name="data"/> (a file name).</param>
    /// <exception cref="ArgumentException">No snapshots, or none with that label.</exception>
    public static Snapshot Pick(TrackerData data, string? label, string side = "the stats file")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Snapshots.Count == 0) throw new ArgumentException($"{side} has no snapshots to compare.");
        if (label is null) return data.Snapshots[^1];
        for (int i = data.Snapshots.Count - 1; i >= 0; i--)
            if (string.Equals(data.Snapshots[i].Description, label, StringComparison.Ordinal)) return data.Snapshots[i];
        string[] labels = [.. data.Snapshots.Select(s => s.Description).OfType<string>().Where(d => d.Length > 0).Distinct(StringComparer.Ordinal)];
        string known = labels.Length == 0 ? "it has no labelled snapshots" : "its labels: " + string.Join(", ", labels.Select(l => $"'{l}'"));
        throw new ArgumentException($"no snapshot labelled '{label}' in {side} ({known}).");
    }

    private static List<ClassComparison> Match(Snapshot a, Snapshot b)
    {
        var earlier = new Dictionary<string, ClassSummary>(StringComparer.Ordinal);
        foreach (ClassSummary c in a.Classes) earlier.TryAdd(c.ClassName, c);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<ClassComparison>();
        foreach (ClassSummary c in b.Classes)
        {
            if (!seen.Add(c.ClassName)) continue;
            rows.Add(earlier.TryGetValue(c.ClassName, out ClassSummary? old)
                ? new ClassComparison(c.ClassName, HeapTypeChangeKind.Both, old.Active, c.Active, old.Total, c.Total, old.Average, c.Average)
                : new ClassComparison(c.ClassName, HeapTypeChangeKind.New, 0, c.Active, 0, c.Total, 0, c.Average));
        }
        foreach (ClassSummary c in a.Classes)
            if (seen.Add(c.ClassName))
                rows.Add(new ClassComparison(c.ClassName, HeapTypeChangeKind.Gone, c.Active, 0, c.Total, 0, c.Average, 0));
        rows.Sort(static (x, y) =>
        {
            int order = y.TotalDelta.CompareTo(x.TotalDelta);
            if (order == 0) order = y.ActiveDelta.CompareTo(x.ActiveDelta);
            return order != 0 ? order : string.CompareOrdinal(x.ClassName, y.ClassName);
        });
        return rows;
    }
}

/// <summary>One tracked class in a comparison of two snapshots (Pympler: a summary line, before and after).</summary>
/// <param name="ClassName">The class, matched by full name.</param>
/// <param name="Kind">In both snapshots, only in the later (new) or only in the earlier (gone).</param>
/// <param name="ActiveBefore">Active instances before.</param>
/// <param name="ActiveAfter">Active instances after.</param>
/// <param name="TotalBefore">Their total size before, in bytes.</param>
/// <param name="TotalAfter">Their total size after, in bytes.</param>
/// <param name="AverageBefore">Average size before (0 when none).</param>
/// <param name="AverageAfter">Average size after (0 when none).</param>
public sealed record ClassComparison(string ClassName, HeapTypeChangeKind Kind, int ActiveBefore, int ActiveAfter,
    long TotalBefore, long TotalAfter, long AverageBefore, long AverageAfter)
{
    /// <summary>Active instances gained (negative: lost).</summary>
    public long ActiveDelta => (long)ActiveAfter - ActiveBefore;

    /// <summary>Bytes gained.</summary>
    public long TotalDelta => TotalAfter - TotalBefore;

    /// <summary>Change of the average size.</summary>
    public long AverageDelta => AverageAfter - AverageBefore;
}
