using Heapmon.Model;

namespace Heapmon.Metrics;

/// <summary>
/// The class rows the gauges report: one per class name (a newer snapshot's figures for a class replace an
/// older one's), capped at the largest by bytes, the rest summed into one "other" row, so the number of
/// series stays bounded however many classes are tracked.
/// </summary>
internal static class ClassSeries
{
    /// <summary>One class's figures.</summary>
    public readonly record struct Row(string ClassName, long Active, long Total);

    /// <summary>The rows of <paramref name="snapshots"/> (oldest first), at most <paramref name="max"/> of them with "other" counted in.</summary>
    public static Row[] Cap(IEnumerable<Snapshot> snapshots, int max)
    {
        var byName = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (Snapshot snapshot in snapshots)
            foreach (ClassSummary c in snapshot.Classes)
                byName[c.ClassName] = new Row(c.ClassName, c.Active, c.Total);
        if (byName.Count <= max) return [.. byName.Values.OrderBy(r => r.ClassName, StringComparer.Ordinal)];

        Row[] largest = [.. byName.Values.OrderByDescending(r => r.Total).ThenBy(r => r.ClassName, StringComparer.Ordinal)];
        long active = 0, total = 0;
        for (int i = max - 1; i < largest.Length; i++)
        {
            active += largest[i].Active;
            total += largest[i].Total;
        }
        return [.. largest.Take(max - 1).OrderBy(r => r.ClassName, StringComparer.Ordinal), new Row(HeapmonMeter.OtherClass, active, total)];
    }
}
