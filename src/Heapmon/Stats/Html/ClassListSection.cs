using System.Globalization;

namespace Heapmon.Stats;

/// <summary>
/// Every class in one sortable table with a search box: instances and total at the last snapshot and
/// at the peak, and a link to the class's section when it has one. The way to any class of a wildcard
/// that matched thousands.
/// </summary>
internal sealed class ClassListSection(ReportModel model, TextWriter w)
{
    public void Write()
    {
        int count = model.Classes.Count;
        w.Write($"<section id=\"classes\"><h2>Classes</h2><p class=\"note\">{HtmlText.Plural(count, "tracked class", "tracked classes")}, the largest peak first");
        if (model.Others.Count > 0) w.Write($"; the {HtmlText.Plural(model.Featured.Count, "largest has", "largest have")} a section of their own");
        w.Write(".</p>");
        w.Write("<div class=\"filter\"><input type=\"search\" id=\"class-search\" placeholder=\"Filter by name\" aria-label=\"Filter classes by name\" autocomplete=\"off\">");
        w.Write($"<span class=\"note\" id=\"class-count\" aria-live=\"polite\">{HtmlText.Plural(count, "class", "classes")}</span></div>");
        w.Write("<div class=\"scroll tall\"><table class=\"sortable\" id=\"class-table\"><thead><tr><th>Class</th>");
        w.Write("<th class=\"n\">Instances</th><th class=\"n\">Total</th><th class=\"n\">Peak instances</th><th class=\"n\">Peak total</th><th class=\"n\">Peak at #</th></tr></thead><tbody>");
        foreach (ReportClass c in model.ByPeak)
        {
            int last = c.Totals.Length - 1;
            int peakAt = last < 0 ? -1 : Array.IndexOf(c.Totals, c.Peak);
            w.Write("<tr><td class=\"name\">");
            if (c.Featured) w.Write($"<a href=\"#{c.Anchor}\">");
            HtmlText.Write(w, c.Name);
            if (c.Featured) w.Write("</a>");
            w.Write("</td>");
            w.Write(last < 0 ? Empty + Empty : OverviewSection.CountCell(c.Active[last]) + OverviewSection.BytesCell(c.Totals[last]));
            w.Write(last < 0 ? Empty + Empty : OverviewSection.CountCell(c.Active.Max()) + OverviewSection.BytesCell(c.Peak));
            w.Write(peakAt < 0 || c.Peak == 0 ? Empty : $"<td class=\"n\" data-v=\"{peakAt.ToString(CultureInfo.InvariantCulture)}\">{peakAt.ToString(CultureInfo.InvariantCulture)}</td>");
            w.Write("</tr>");
        }
        w.Write("</tbody></table></div></section>");
    }

    private const string Empty = "<td class=\"n\" data-v=\"-1\"></td>";
}
