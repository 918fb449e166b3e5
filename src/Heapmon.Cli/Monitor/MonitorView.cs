using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Heapmon.Cli.Monitor;

/// <summary>
/// Renders <see cref="MonitorFigures"/>: a table for the live view on a terminal, or plain lines (one per
/// class and snapshot) when the output is a file or a pipe. Plain data in, text out.
/// </summary>
internal static class MonitorView
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    /// <summary>The live view's table: class, instances, Δ since start, bytes, Δ, and a sparkline of the instances.</summary>
    public static Table Table(MonitorFigures figures, string title, IReadOnlyList<string> notices)
    {
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle(Markup.Escape(title)) };
        table.AddColumn(new TableColumn("Type").NoWrap());
        table.AddColumn(new TableColumn("Instances").RightAligned());
        table.AddColumn(new TableColumn("Δ").RightAligned());
        table.AddColumn(new TableColumn("Bytes").RightAligned());
        table.AddColumn(new TableColumn("Δ bytes").RightAligned());
        table.AddColumn(new TableColumn($"Last {MonitorFigures.History}").NoWrap());
        foreach (MonitorFigures.ClassLine line in figures.Lines)
            table.AddRow(new Text(line.Name), new Text(Count(line.Active)), Change(Signed(line.ActiveChange), line.ActiveChange),
                new Text(ByteUnits.Aligned(line.Total)), Change(SignedBytes(line.TotalChange), line.TotalChange), new Text(Sparkline(line.Recent)));
        string status = figures.Taken is { } taken
            ? $"snapshot {figures.Snapshots:N0} at {taken.ToLocalTime():HH:mm:ss}, snapshots cost the process {figures.CpuSeconds:0.###} s of CPU; q or Ctrl-C detaches"
            : "waiting for the first snapshot; q or Ctrl-C detaches";
        table.Caption = new TableTitle(Markup.Escape(string.Join('\n', notices.Prepend(status))));
        return table;
    }

    /// <summary>The plain lines of the latest snapshot: time, class, instances, Δ, bytes, Δ bytes (plain numbers, for scripts).</summary>
    public static IEnumerable<string> Lines(MonitorFigures figures)
    {
        string time = figures.Taken?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "--:--:--";
        foreach (MonitorFigures.ClassLine line in figures.Lines)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{time} {line.Name} instances={line.Active} ({line.ActiveChange:+0;-0;0}) bytes={line.Total} ({line.TotalChange:+0;-0;0})");
    }

    /// <summary>A sparkline of <paramref name="values"/>: one bar per value, scaled between their minimum and maximum.</summary>
    public static string Sparkline(IReadOnlyList<long> values)
    {
        if (values.Count == 0) return "";
        long min = values.Min(), max = values.Max();
        return string.Concat(values.Select(v => max == min ? Bars[0] : Bars[(int)((v - min) * (Bars.Length - 1) / (max - min))]));
    }

    private static IRenderable Change(string text, long change) =>
        new Text(text, change > 0 ? new Style(Color.Red) : change < 0 ? new Style(Color.Green) : Style.Plain);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Signed(long value) => value.ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture);

    private static string SignedBytes(long value) => value == 0 ? "0" : ByteUnits.Compact(value, sign: true);
}
