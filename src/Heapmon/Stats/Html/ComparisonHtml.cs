using System.Text;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>A two-run comparison as one self-contained HTML page: per class active, total and average before, after and Δ (every text HTML-encoded).</summary>
internal static class ComparisonHtml
{
    public static string Render(TrackerComparison comparison, string before, string after)
    {
        var html = new StringBuilder(16 * 1024);
        var w = new StringWriter(html) { NewLine = "\n" };
        w.WriteLine("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Heapmon comparison</title><style>");
        w.WriteLine("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{padding:.2em .6em;border-bottom:1px solid #ddd}" +
                    "td.n{text-align:right;font-variant-numeric:tabular-nums}.up{color:#b00}.down{color:#070}.kind{font-size:.8em;color:#666}");
        w.WriteLine("</style></head><body><h1>Comparison of two runs</h1><p>Before: ");
        HtmlText.Write(w, before);
        w.Write("<br>After: ");
        HtmlText.Write(w, after);
        w.WriteLine("</p><h2>Tracked classes, most growth first</h2><table class=\"compare\"><thead><tr><th>Class</th>" +
                    "<th>Active before</th><th>Active after</th><th>Δ Active</th><th>Total before</th><th>Total after</th><th>Δ Total</th>" +
                    "<th>Average before</th><th>Average after</th><th>Δ Average</th></tr></thead><tbody>");
        foreach (ClassComparison c in comparison.Classes)
        {
            w.Write("<tr><td>");
            HtmlText.Write(w, c.ClassName);
            if (c.Kind != HeapTypeChangeKind.Both) w.Write(c.Kind == HeapTypeChangeKind.New ? " <span class=\"kind\">new</span>" : " <span class=\"kind\">gone</span>");
            w.Write("</td>");
            Cells(w, HtmlText.Count(c.ActiveBefore), HtmlText.Count(c.ActiveAfter), c.ActiveDelta, c.ActiveDelta.ToString("+#,0;-#,0;0", System.Globalization.CultureInfo.InvariantCulture));
            Cells(w, ByteUnits.Compact(c.TotalBefore), ByteUnits.Compact(c.TotalAfter), c.TotalDelta, ByteUnits.Compact(c.TotalDelta, sign: true));
            Cells(w, ByteUnits.Compact(c.AverageBefore), ByteUnits.Compact(c.AverageAfter), c.AverageDelta, ByteUnits.Compact(c.AverageDelta, sign: true));
            w.WriteLine("</tr>");
        }
        w.WriteLine("</tbody></table>");
        if (comparison.Objects is { } objects) WriteObjects(w, objects);
        w.WriteLine("</body></html>");
        return html.ToString();
    }

    private static void WriteObjects(TextWriter w, TrackedObjectsDiff objects)
    {
        w.WriteLine("<h2>Tracked objects between the two snapshots</h2><table class=\"objects\"><thead><tr><th>Class</th><th>New</th><th>New bytes</th>" +
                    "<th>Dead</th><th>Dead bytes</th><th>Survived</th><th>Survived bytes</th></tr></thead><tbody>");
        foreach (TrackedClassDiff c in objects.Classes)
        {
            w.Write("<tr><td>");
            HtmlText.Write(w, c.ClassName);
            w.WriteLine($"</td><td class=\"n\">{HtmlText.Count(c.New)}</td><td class=\"n\">{ByteUnits.Compact(c.NewBytes)}</td>" +
                        $"<td class=\"n\">{HtmlText.Count(c.Dead)}</td><td class=\"n\">{ByteUnits.Compact(c.DeadBytes)}</td>" +
                        $"<td class=\"n\">{HtmlText.Count(c.Survived)}</td><td class=\"n\">{ByteUnits.Compact(c.SurvivedBytesAfter)}</td></tr>");
        }
        w.WriteLine("</tbody></table>");
    }

    private static void Cells(TextWriter w, string before, string after, long delta, string signed)
    {
        string cls = delta > 0 ? "n up" : delta < 0 ? "n down" : "n";
        w.Write($"<td class=\"n\">{HtmlText.Encode(before)}</td><td class=\"n\">{HtmlText.Encode(after)}</td><td class=\"{cls}\">{HtmlText.Encode(signed)}</td>");
    }
}
