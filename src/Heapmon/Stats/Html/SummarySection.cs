using System.Globalization;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Pympler's print_summary as one sortable table: a row per snapshot and class with instances. The
/// classes without a section of their own are added up in one row per snapshot.
/// </summary>
internal sealed class SummarySection(ReportModel model, TextWriter w)
{
    public void Write()
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        w.Write("<section id=\"summary\"><h2>Summary</h2>");
        if (model.Others.Count > 0)
            w.Write($"<p class=\"note\">The {HtmlText.Plural(model.Featured.Count, "largest class", "largest classes")} by peak total, one row each; the {new OverviewSection(model, w).OthersName} are added up. The <a href=\"#classes\">class list</a> has every class.</p>");
        w.Write("<div class=\"scroll tall\"><table class=\"sortable\"><thead><tr>");
        w.Write("<th class=\"n\">#</th><th>Snapshot</th><th class=\"n\">Time</th><th>Class</th><th class=\"n\">Active</th><th class=\"n\">Total</th><th class=\"n\">Average</th><th class=\"n\">Share</th></tr></thead><tbody>");
        for (int s = 0; s < snaps.Count; s++)
        {
            foreach (ReportClass c in model.Featured)
            {
                ClassSummary? line = c.Summaries[s];
                long total = line?.Total ?? c.Totals[s];
                long active = line?.Active ?? c.Active[s];
                // Like the text summary: a class with no instance at this snapshot has no row.
                if (active == 0 && total == 0) continue;
                Row(s, $"<a href=\"#{c.Anchor}\">{HtmlText.Encode(c.Name)}</a>", active, total);
            }
            if (model.OtherActive[s] > 0 || model.OtherTotals[s] > 0)
                Row(s, $"<a href=\"#classes\">{new OverviewSection(model, w).OthersName}</a>", model.OtherActive[s], model.OtherTotals[s]);
        }
        w.Write("</tbody></table></div></section>");
    }

    private void Row(int s, string classHtml, long active, long total)
    {
        Snapshot snapshot = model.Snapshots[s];
        double share = snapshot.ShareOf(total);
        w.Write($"<tr><td class=\"n\" data-v=\"{s}\">{s}</td><td class=\"name\">");
        HtmlText.Write(w, snapshot.Description);
        w.Write($"</td>{OverviewSection.TimeCell(model, snapshot)}<td class=\"name\">{classHtml}</td>");
        w.Write($"{OverviewSection.CountCell(active)}{OverviewSection.BytesCell(total)}{OverviewSection.BytesCell(active > 0 ? total / active : 0)}");
        w.Write($"<td class=\"n\" data-v=\"{share.ToString("R", CultureInfo.InvariantCulture)}\">{HtmlText.Percent(share)}</td></tr>");
    }
}
