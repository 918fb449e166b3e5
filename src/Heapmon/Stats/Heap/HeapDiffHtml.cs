using System.Text;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>A heap diff as one self-contained HTML page: the leak suspects, then the type table (every text HTML-encoded).</summary>
internal static class HeapDiffHtml
{
    public static string Render(HeapSnapshotDiff diff, int top)
    {
        var html = new StringBuilder(64 * 1024);
        var w = new StringWriter(html) { NewLine = "\n" };
        w.WriteLine("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Heapmon heap diff</title><style>");
        w.WriteLine("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{padding:.2em .6em;border-bottom:1px solid #ddd}" +
                    "td.n{text-align:right;font-variant-numeric:tabular-nums}.up{color:#b00}.down{color:#070}.kind{font-size:.8em;color:#666}li{margin:.4em 0}");
        w.WriteLine("</style></head><body>");
        HeapSnapshotData a = diff.Before, b = diff.After;
        w.Write("<h1>Heap diff</h1><p>");
        HtmlText.Write(w, $"{a.Timestamp:yyyy-MM-dd HH:mm:ss} (pid {a.ProcessId}, {HeapReport.N(a.ObjectCount)} objects, {ByteUnits.Compact(a.TotalBytes)}) → " +
                          $"{b.Timestamp:yyyy-MM-dd HH:mm:ss} (pid {b.ProcessId}, {HeapReport.N(b.ObjectCount)} objects, {ByteUnits.Compact(b.TotalBytes)})");
        w.WriteLine("</p><h2>Leak suspects</h2>");
        if (diff.Suspects.Count == 0) w.WriteLine("<p>None stands out.</p>");
        else
        {
            w.WriteLine("<ol class=\"suspects\">");
            foreach (LeakSuspect s in diff.Suspects)
            {
                w.Write("<li>");
                HtmlText.Write(w, LeakSuspectText.Describe(s));
                w.WriteLine("</li>");
            }
            w.WriteLine("</ol>");
        }
        w.WriteLine("<h2>Types, most retained growth first</h2><table><thead><tr><th>Type</th><th>Count before</th><th>Count after</th><th>Δ Count</th>" +
                    "<th>Bytes before</th><th>Bytes after</th><th>Δ Bytes</th><th>Retained before</th><th>Retained after</th><th>Δ Retained</th></tr></thead><tbody>");
        foreach (HeapTypeChange t in diff.Types.Take(top))
        {
            w.Write("<tr><td>");
            HtmlText.Write(w, t.TypeName);
            if (t.Kind != HeapTypeChangeKind.Both) w.Write(t.Kind == HeapTypeChangeKind.New ? " <span class=\"kind\">new</span>" : " <span class=\"kind\">gone</span>");
            w.Write("</td>");
            Cells(w, t.CountBefore, t.CountAfter, t.CountDelta);
            Cells(w, t.BytesBefore, t.BytesAfter, t.BytesDelta);
            Cells(w, t.RetainedBefore, t.RetainedAfter, t.RetainedDelta);
            w.WriteLine("</tr>");
        }
        w.WriteLine("</tbody></table>");
        if (diff.Types.Count > top) w.WriteLine($"<p>{HtmlText.Count(diff.Types.Count - top)} more types not shown.</p>");
        w.WriteLine("</body></html>");
        return html.ToString();
    }

    private static void Cells(TextWriter w, long before, long after, long delta)
    {
        string cls = delta > 0 ? "n up" : delta < 0 ? "n down" : "n";
        w.Write($"<td class=\"n\">{HtmlText.Count(before)}</td><td class=\"n\">{HtmlText.Count(after)}</td><td class=\"{cls}\">{HtmlText.Encode(HeapReport.Signed(delta))}</td>");
    }
}
