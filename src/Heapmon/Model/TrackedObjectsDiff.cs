namespace Heapmon.Model;

/// <summary>
/// What happened to each tracked class's objects between two snapshots of one tracker: objects new since the
/// first, dead (or no longer tracked) by the second, and survived in both, with their bytes (dotMemory's
/// "new", "dead" and "survived objects"; Pympler compares only the class totals). Plain data over <see cref="TrackerData"/>.
/// </summary>
public sealed class TrackedObjectsDiff
{
    private TrackedObjectsDiff(int beforeIndex, int afterIndex, IReadOnlyList<TrackedClassDiff> classes)
    {
        BeforeIndex = beforeIndex;
        AfterIndex = afterIndex;
        Classes = classes;
    }

    /// <summary>The index of the earlier snapshot.</summary>
    public int BeforeIndex { get; }

    /// <summary>The index of the later snapshot.</summary>
    public int AfterIndex { get; }

    /// <summary>Per class with an object sampled at either snapshot, most new bytes first (then name).</summary>
    public IReadOnlyList<TrackedClassDiff> Classes { get; }

    /// <summary>
    /// Sorts each tracked object sampled at snapshot <paramref name="beforeIndex"/> or <paramref name="afterIndex"/> of
    /// <paramref name="data"/> into new (only at the later), dead (only at the earlier) or survived (at both).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index names no snapshot, or the earlier comes after the later.</exception>
    public static TrackedObjectsDiff Between(TrackerData data, int beforeIndex, int afterIndex)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(beforeIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(afterIndex, data.Snapshots.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(beforeIndex, afterIndex);
        var rows = new Dictionary<string, Counts>(StringComparer.Ordinal);
        foreach (TrackedObjectRecord o in data.Objects)
        {
            SizeSample? was = SampleAt(o, beforeIndex), now = SampleAt(o, afterIndex);
            if (was is null && now is null) continue;
            if (!rows.TryGetValue(o.ClassName, out Counts? c)) rows.Add(o.ClassName, c = new Counts());
            if (was is not { } earlier) c.AddNew(now!.Value.Size);
            else if (now is not { } later) c.AddDead(earlier.Size);
            else c.AddSurvived(earlier.Size, later.Size);
        }
        List<TrackedClassDiff> classes = [.. rows.Select(r => r.Value.ToRecord(r.Key))];
        classes.Sort(static (x, y) =>
        {
            int order = y.NewBytes.CompareTo(x.NewBytes);
            return order != 0 ? order : string.CompareOrdinal(x.ClassName, y.ClassName);
        });
        return new TrackedObjectsDiff(beforeIndex, afterIndex, classes);
    }

    private static SizeSample? SampleAt(TrackedObjectRecord o, int index)
    {
        foreach (SizeSample s in o.Samples)
            if (s.SnapshotIndex == index) return s;
        return null;
    }

    private sealed class Counts
    {
        private long _new, _newBytes, _dead, _deadBytes, _survived, _survivedBefore, _survivedAfter;

        public void AddNew(long size) => (_new, _newBytes) = (_new + 1, _newBytes + size);

        public void AddDead(long size) => (_dead, _deadBytes) = (_dead + 1, _deadBytes + size);

        public void AddSurvived(long before, long after) =>
            (_survived, _survivedBefore, _survivedAfter) = (_survived + 1, _survivedBefore + before, _survivedAfter + after);

        public TrackedClassDiff ToRecord(string name) => new(name, _new, _newBytes, _dead, _deadBytes, _survived, _survivedBefore, _survivedAfter);
    }
}

/// <summary>One class's objects between two snapshots of one tracker (dotMemory: new / dead / survived objects).</summary>
/// <param name="ClassName">The objects' class.</param>
/// <param name="New">Objects sampled at the later snapshot only: created (or first tracked) in between.</param>
/// <param name="NewBytes">Their sizes at the later snapshot.</param>
/// <param name="Dead">Objects sampled at the earlier snapshot only: collected (or no longer tracked) in between.</param>
/// <param name="DeadBytes">Their sizes at the earlier snapshot.</param>
/// <param name="Survived">Objects sampled at both.</param>
/// <param name="SurvivedBytesBefore">Their sizes at the earlier snapshot.</param>
/// <param name="SurvivedBytesAfter">Their sizes at the later snapshot.</param>
public sealed record TrackedClassDiff(string ClassName, long New, long NewBytes, long Dead, long DeadBytes,
    long Survived, long SurvivedBytesBefore, long SurvivedBytesAfter);
