namespace Heapmon.Tracking;

/// <summary>
/// The per-class lines' rows, sorted by name, and the row of each label; made again only when the
/// classes or labels change, so a snapshot's summary is two loops over arrays.
/// </summary>
internal sealed class SummaryRows
{
    private int _version, _labels;

    public required string[] Names { get; init; }

    /// <summary>Whether the row is a tracked class's (shown even with no instance).</summary>
    public required bool[] Tracked { get; init; }

    public required int[] RowOfLabel { get; init; }

    public bool Fits(TrackedClasses classes) => _version == classes.Version && _labels == classes.LabelCount;

    public static SummaryRows Of(TrackedClasses classes)
    {
        var tracked = classes.All.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var labelNames = Enumerable.Range(0, classes.LabelCount).Select(classes.ClassName).ToArray();
        string[] names = [.. tracked.Concat(labelNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var rowOf = names.Select((name, row) => (name, row)).ToDictionary(x => x.name, x => x.row, StringComparer.Ordinal);
        return new SummaryRows
        {
            Names = names,
            Tracked = [.. names.Select(tracked.Contains)],
            RowOfLabel = [.. labelNames.Select(name => rowOf[name])],
            _version = classes.Version,
            _labels = labelNames.Length,
        };
    }
}
