using System.Globalization;
using System.Text;
using Heapmon.Model;

namespace Heapmon.Allocations;

/// <summary>ANSI styles for the top; empty strings when colour is off.</summary>
internal readonly record struct TopStyle(bool On)
{
    public string Bold => On ? "\e[1m" : "";
    public string Key => On ? "\e[1;36m" : "";
    public string Grew => On ? "\e[1;31m" : "";
    public string Shrank => On ? "\e[1;32m" : "";
    public string Reset => On ? "\e[0m" : "";
}

/// <summary>Renders a <see cref="StatsDiff"/> in tracemalloc's top layout (pytracemalloc DisplayTop._display_top_diff).</summary>
internal sealed class TopWriter(DisplayTop options, TopStyle style, TextWriter writer)
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public void Write(StatsDiff diff, int count)
    {
        GroupedStats current = diff.NewStats;
        GroupedStats? old = diff.OldStats;
        string title = string.Create(s_invariant, $"{(current.Cumulative ? "Cumulative top" : "Top")} {count} allocations per {Describe(current.GroupBy)}");
        if (old is not null) title += " (compared to " + Stamp(old.Timestamp) + ")";
        writer.WriteLine($"{Stamp(current.Timestamp)}: {style.Bold}{title}{style.Reset}");

        IReadOnlyList<StatsDifference> differences = diff.Differences;
        int shown = Math.Min(count, differences.Count);
        for (int i = 0; i < shown; i++)
        {
            StatsDifference d = differences[i];
            string key = d.Key.Format(options.FilenameParts);
            writer.WriteLine(string.Create(s_invariant, $"#{i + 1}: {style.Key}{key}{style.Reset}: {Figures(d.SizeDiff, d.Size, d.CountDiff, d.Count, d.Stats?.Size, old is not null)}"));
        }

        if (differences.Count > shown)
        {
            double sizeDiff = 0, size = 0, countDiff = 0, n = 0;
            for (int i = shown; i < differences.Count; i++)
            {
                sizeDiff += differences[i].SizeDiff;
                size += differences[i].Size;
                countDiff += differences[i].CountDiff;
                n += differences[i].Count;
            }
            writer.WriteLine(string.Create(s_invariant, $"{differences.Count - shown} more: {Figures(sizeDiff, size, countDiff, n, null, old is not null)}"));
        }

        AllocationStats total = current.Total;
        AllocationStats? oldTotal = old?.Total;
        writer.WriteLine("Traced .NET allocations: " + Figures(
            total.Size.Value - (oldTotal?.Size.Value ?? 0), total.Size.Value,
            total.Count.Value - (oldTotal?.Count.Value ?? 0), total.Count.Value, total.Size, old is not null));

        if (options.Metrics && current.Metrics.Count > 0)
        {
            writer.WriteLine();
            foreach (Metric metric in current.Metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                string line = $"{metric.Name}: {metric.FormatValue()}";
                if (old?.Metrics.GetValueOrDefault(metric.Name) is { } before && before.Value != metric.Value)
                    line += " (" + Signed(metric.Value - before.Value, metric.Format) + ")";
                writer.WriteLine(line);
            }
        }
        writer.WriteLine();
    }

    private string Figures(double sizeDiff, double size, double countDiff, double count, Estimate? sizeEstimate, bool compare)
    {
        var parts = new List<string>(3);
        if (options.Size)
        {
            var text = new StringBuilder("size=").Append(ByteUnits.Compact(size));
            if (compare) text.Append(" (").Append(Colored(sizeDiff, ByteUnits.Compact(sizeDiff, sign: true))).Append(')');
            if (options.Interval && sizeEstimate is { } e && e.RelativeHalfWidth >= 0.01)
                text.Append(" [").Append(ByteUnits.Compact(e.Low)).Append("..").Append(ByteUnits.Compact(e.High)).Append(']');
            parts.Add(text.ToString());
        }
        long roundedCount = (long)Math.Round(count);
        long roundedCountDiff = (long)Math.Round(countDiff);
        if (options.Count && (roundedCount != 0 || roundedCountDiff != 0))
        {
            string text = "count=" + roundedCount.ToString(s_invariant);
            if (compare) text += " (" + Colored(countDiff, roundedCountDiff.ToString("+0;-0;+0", s_invariant)) + ")";
            parts.Add(text);
        }
        if (options.Average && roundedCount > 1)
            parts.Add("average=" + ByteUnits.Compact(size / count));
        return parts.Count == 0 ? "" : string.Join(", ", parts);
    }

    private string Colored(double change, string text) =>
        change > 0 ? style.Grew + text + style.Reset : change < 0 ? style.Shrank + text + style.Reset : text;

    private static string Signed(double value, MetricFormat format) => format switch
    {
        MetricFormat.Size => ByteUnits.Compact(value, sign: true),
        MetricFormat.Percent => (value * 100).ToString("+0.0;-0.0", s_invariant) + "%",
        _ => value.ToString("+0.##;-0.##", s_invariant),
    };

    internal static string Stamp(DateTimeOffset timestamp) => timestamp.ToString("yyyy-MM-dd HH:mm:ss", s_invariant);

    internal static string Describe(GroupBy groupBy) => groupBy switch
    {
        GroupBy.Line => "filename and line number",
        GroupBy.File => "filename",
        GroupBy.Address => "address",
        _ => "type",
    };
}
