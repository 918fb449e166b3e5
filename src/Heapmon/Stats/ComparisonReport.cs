using System.Globalization;
using System.Text;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Renders a <see cref="TrackerComparison"/>: in Pympler's summary layout (active, total, average) a "before",
/// an "after" and a "Δ" line per class, then, for one run, the new, dead and survived objects; or as an HTML page
/// (the two-run comparison of Pympler's SCons tutorial, printed instead of read by eye).
/// </summary>
public static class ComparisonReport
{
    private const string Rule = "-------------------------------------------------------------------------------";

    /// <summary>Prints <paramref name="comparison"/> to <paramref name="output"/>, rendered whole first so a failure prints nothing.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="beforeName">What to call the earlier side (a file name), or null.</param>
    /// <param name="afterName">What to call the later side, or null.</param>
    public static void Write(TrackerComparison comparison, TextWriter output, string? beforeName = null, string? afterName = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(output);
        var b = new StringBuilder();
        b.Append("---- COMPARE ").Append('-', 66).Append('\n');
        Line(b, $"before: {Describe(comparison.Before, beforeName)}");
        Line(b, $"after:  {Describe(comparison.After, afterName)}");
        Line(b, $"{"",-35} {"active",11} {"total",12} {"average",12}");
        Row(b, "  all tracked classes", "before", comparison.Classes.Sum(c => (long)c.ActiveBefore), comparison.Before.TrackedTotal, null);
        Row(b, null, "after", comparison.Classes.Sum(c => (long)c.ActiveAfter), comparison.After.TrackedTotal, null);
        Delta(b, comparison.Classes.Sum(c => c.ActiveDelta), comparison.After.TrackedTotal - comparison.Before.TrackedTotal, null);
        foreach (ClassComparison c in comparison.Classes)
        {
            string kind = c.Kind switch { HeapTypeChangeKind.New => " (new)", HeapTypeChangeKind.Gone => " (gone)", _ => "" };
            Row(b, "  " + ReportText.TruncateLeft(c.ClassName, 75 - kind.Length) + kind, "before", c.ActiveBefore, c.TotalBefore, c.AverageBefore);
            Row(b, null, "after", c.ActiveAfter, c.TotalAfter, c.AverageAfter);
            Delta(b, c.ActiveDelta, c.TotalDelta, c.AverageDelta);
        }
        if (comparison.Objects is { } objects) AppendObjects(b, objects);
        b.Append(Rule).Append('\n');
        output.Write(b.ToString());
    }

    /// <summary>Writes <paramref name="comparison"/> as one self-contained HTML page to <paramref name="path"/>, atomically.</summary>
    public static void CreateHtml(TrackerComparison comparison, string path, string? beforeName = null, string? afterName = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, ComparisonHtml.Render(comparison, Describe(comparison.Before, beforeName), Describe(comparison.After, afterName)));
    }

    /// <summary>"'populated', snapshot 2 of run.json.gz (pid 4242)": which snapshot of which run.</summary>
    internal static string Describe(Snapshot s, string? name)
    {
        string label = s.Description is { Length: > 0 } d ? $"'{ReportText.Truncate(d, 40)}'" : "unlabelled";
        string where = name is null ? "" : $" of {name}";
        return string.Create(CultureInfo.InvariantCulture, $"{label}, snapshot {s.Index + 1}{where}, {s.Timestamp:yyyy-MM-dd HH:mm:ss}");
    }

    private static void AppendObjects(StringBuilder b, TrackedObjectsDiff objects)
    {
        Line(b, $"tracked objects between the two snapshots (one run):");
        Line(b, $"{"",-35} {"new",11} {"dead",12} {"survived",12}");
        foreach (TrackedClassDiff c in objects.Classes)
        {
            Line(b, $"  {ReportText.TruncateLeft(c.ClassName, 33),-33} {c.New,11} {c.Dead,12} {c.Survived,12}");
            Line(b, $"    {"bytes",-31} {ByteUnits.Aligned(c.NewBytes),11} {ByteUnits.Aligned(c.DeadBytes),12} {ByteUnits.Aligned(c.SurvivedBytesAfter),12}");
        }
    }

    private static void Row(StringBuilder b, string? heading, string side, long active, long total, long? average)
    {
        if (heading is not null) Line(b, $"{heading}");
        Line(b, $"    {side,-31} {active,11} {ByteUnits.Aligned(total),12} {(average is { } a ? ByteUnits.Aligned(a) : ""),12}");
    }

    private static void Delta(StringBuilder b, long active, long total, long? average) =>
        Line(b, $"    {"Δ",-31} {Signed(active),11} {SignedBytes(total),12} {(average is { } a ? SignedBytes(a) : ""),12}");

    private static string Signed(long n) => n.ToString("+0;-0;0", CultureInfo.InvariantCulture);

    /// <summary>An aligned byte count with a + for growth, in the same 11 columns.</summary>
    internal static string SignedBytes(long bytes)
    {
        string aligned = ByteUnits.Aligned(bytes);
        if (bytes <= 0) return aligned;
        int digit = aligned.Length - aligned.TrimStart().Length;
        return digit > 0 ? string.Concat(aligned.AsSpan(0, digit - 1), "+", aligned.AsSpan(digit)) : "+" + aligned;
    }

    private static void Line(StringBuilder b, FormattableString text) => b.Append(text.ToString(CultureInfo.InvariantCulture).TrimEnd()).Append('\n');
}
