namespace Heapmon.Model;

/// <summary>
/// What changed between two heap snapshots, per type: count, shallow and retained bytes before, after and
/// the difference, most retained growth first; types only in one snapshot marked new or gone; and the
/// leak suspects the growth points at (the heap diff dotnet-gcdump never got; Pympler: summary.get_diff).
/// </summary>
public sealed class HeapSnapshotDiff
{
    private HeapSnapshotDiff(HeapSnapshotData before, HeapSnapshotData after, IReadOnlyList<HeapTypeChange> types, IReadOnlyList<LeakSuspect> suspects)
    {
        Before = before;
        After = after;
        Types = types;
        Suspects = suspects;
    }

    /// <summary>The earlier snapshot.</summary>
    public HeapSnapshotData Before { get; }

    /// <summary>The later snapshot.</summary>
    public HeapSnapshotData After { get; }

    /// <summary>Every type in either snapshot, largest retained growth first (then shallow growth, count growth, name).</summary>
    public IReadOnlyList<HeapTypeChange> Types { get; }

    /// <summary>At most a few retainers whose growth stands out, each with the type that accumulates under it; none when nothing does.</summary>
    public IReadOnlyList<LeakSuspect> Suspects { get; }

    /// <summary>Compares two snapshots (Pympler: summary.get_diff(before, after)). Types are matched by name, so a renamed type shows as one gone and one new.</summary>
    public static HeapSnapshotDiff Compare(HeapSnapshotData before, HeapSnapshotData after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var earlier = new Dictionary<string, HeapTypeSummary>(before.Types.Count, StringComparer.Ordinal);
        foreach (HeapTypeSummary t in before.Types) earlier.TryAdd(t.TypeName, t);
        var changes = new List<HeapTypeChange>(Math.Max(before.Types.Count, after.Types.Count));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (HeapTypeSummary a in after.Types)
        {
            if (!seen.Add(a.TypeName)) continue;
            changes.Add(earlier.TryGetValue(a.TypeName, out HeapTypeSummary? b)
                ? new HeapTypeChange(a.TypeName, HeapTypeChangeKind.Both, b.Count, a.Count, b.Bytes, a.Bytes, b.RetainedBytes, a.RetainedBytes)
                : new HeapTypeChange(a.TypeName, HeapTypeChangeKind.New, 0, a.Count, 0, a.Bytes, 0, a.RetainedBytes));
        }
        foreach (HeapTypeSummary b in before.Types)
            if (seen.Add(b.TypeName))
                changes.Add(new HeapTypeChange(b.TypeName, HeapTypeChangeKind.Gone, b.Count, 0, b.Bytes, 0, b.RetainedBytes, 0));
        changes.Sort(ByGrowth);
        return new HeapSnapshotDiff(before, after, changes, LeakSuspects.Growth(before, after));
    }

    private static int ByGrowth(HeapTypeChange x, HeapTypeChange y)
    {
        int c = y.RetainedDelta.CompareTo(x.RetainedDelta);
        if (c == 0) c = y.BytesDelta.CompareTo(x.BytesDelta);
        if (c == 0) c = y.CountDelta.CompareTo(x.CountDelta);
        return c != 0 ? c : string.CompareOrdinal(x.TypeName, y.TypeName);
    }
}

/// <summary>Whether a type is in both snapshots of a diff or only one.</summary>
public enum HeapTypeChangeKind
{
    /// <summary>In both snapshots.</summary>
    Both,
    /// <summary>Only in the later snapshot.</summary>
    New,
    /// <summary>Only in the earlier snapshot.</summary>
    Gone,
}

/// <summary>One type's line in a heap diff (Pympler: a row of summary.get_diff).</summary>
/// <param name="TypeName">The type.</param>
/// <param name="Kind">In both snapshots, new or gone.</param>
/// <param name="CountBefore">Instances before.</param>
/// <param name="CountAfter">Instances after.</param>
/// <param name="BytesBefore">Shallow bytes before.</param>
/// <param name="BytesAfter">Shallow bytes after.</param>
/// <param name="RetainedBefore">Retained bytes before.</param>
/// <param name="RetainedAfter">Retained bytes after.</param>
public sealed record HeapTypeChange(string TypeName, HeapTypeChangeKind Kind, long CountBefore, long CountAfter,
    long BytesBefore, long BytesAfter, long RetainedBefore, long RetainedAfter)
{
    /// <summary>Instances gained (negative: lost).</summary>
    public long CountDelta => CountAfter - CountBefore;

    /// <summary>Shallow bytes gained.</summary>
    public long BytesDelta => BytesAfter - BytesBefore;

    /// <summary>Retained bytes gained.</summary>
    public long RetainedDelta => RetainedAfter - RetainedBefore;
}
