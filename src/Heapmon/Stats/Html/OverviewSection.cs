using System.Globalization;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// The overview: what the data shows in words, the time–space chart (Pympler's classtracker_timespace),
/// the summary of every snapshot (Pympler: print_summary) and the GC and process figures per snapshot.
/// </summary>
internal sealed class OverviewSection(ReportModel model, TextWriter w)
{
    public void Write()
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        w.Write("<section id=\"overview\"><h2>Overview</h2>");
        if (snaps.Count == 0)
        {
            w.Write("<p class=\"note\">No snapshots were taken, so there is nothing to chart. Take one with <code>CreateSnapshot</code>.</p>");
        }
        else
        {
            WriteFindings();
            WriteTimeSpace();
        }
        w.Write("</section>");
        new SummarySection(model, w).Write();
        WriteSnapshots();
    }

    /// <summary>A few sentences on what the data shows, so the reader knows where to look first.</summary>
    private void WriteFindings()
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        var findings = new List<string>();
        Snapshot last = snaps[^1];
        ReportClass? largest = model.Classes.Where(c => c.Totals[^1] > 0).MaxBy(c => c.Totals[^1]);
        if (largest is not null)
            findings.Add($"At the last snapshot, {Code(largest.Name)} holds the most memory of the tracked classes: {ByteUnits.Compact(largest.Totals[^1])} in {HtmlText.Plural(largest.Active[^1], "instance")} ({HtmlText.Percent(last.ShareOf(largest.Totals[^1]))} of the GC heap).");
        int peak = Enumerable.Range(0, snaps.Count).MaxBy(i => model.Classes.Sum(c => c.Totals[i]));
        long peakTotal = model.Classes.Sum(c => c.Totals[peak]);
        if (peak != snaps.Count - 1 && peakTotal > 0)
        {
            string label = string.IsNullOrEmpty(snaps[peak].Description) ? "" : " (" + HtmlText.Encode(snaps[peak].Description) + ")";
            findings.Add($"The tracked classes peaked at snapshot #{HtmlText.Int(peak)}{label} with {ByteUnits.Compact(peakTotal)}, {ByteUnits.Compact(peakTotal - model.Classes.Sum(c => c.Totals[^1]))} more than at the last snapshot.");
        }
        if (snaps.Count >= 3)
        {
            // The classes that grew the most first; a wildcard's thousand matches would otherwise make a thousand lines.
            const int MaxGrowing = 5;
            List<ReportClass> growing = [.. model.Classes.Where(GrewEverySnapshot).OrderByDescending(c => c.Totals[^1] - c.Totals[0])];
            foreach (ReportClass c in growing.Take(MaxGrowing))
                findings.Add($"{Code(c.Name)} grew at every snapshot, from {ByteUnits.Compact(c.Totals[0])} to {ByteUnits.Compact(c.Totals[^1])}.");
            if (growing.Count > MaxGrowing)
                findings.Add($"{HtmlText.Plural(growing.Count - MaxGrowing, "more class", "more classes")} grew at every snapshot (see the <a href=\"#classes\">class list</a>).");
        }
        long untracked = Math.Max(0, last.Total - last.TrackedTotal);
        findings.Add($"Tracked objects account for {ByteUnits.Compact(last.TrackedTotal)} of the {ByteUnits.Compact(last.Total)} GC heap at the last snapshot; {ByteUnits.Compact(untracked)} is untracked. The process's resident set is {ByteUnits.Compact(last.Process.ResidentBytes)}.");
        w.Write("<ul class=\"findings\">");
        foreach (string f in findings) w.Write($"<li>{f}</li>");
        w.Write("</ul>");
    }

    private static string Code(string name) => "<code>" + HtmlText.Encode(name) + "</code>";

    private static bool GrewEverySnapshot(ReportClass c)
    {
        for (int s = 1; s < c.Totals.Length; s++)
            if (c.Totals[s] <= c.Totals[s - 1]) return false;
        return true;
    }

    private void WriteTimeSpace()
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        // The RSS of a small program dwarfs its GC heap, and the heap can dwarf the tracked classes, flattening
        // the stack into a line at zero. So the chart comes at three scales, picked with radio buttons (pure
        // CSS, no script): the tracked classes', the GC heap's and the RSS's. It opens at the largest scale
        // at which the stack still fills a quarter of the height. A line that does not fit a scale is left
        // out of it, and the legend says so; the tooltips always give every value.
        long trackedMax = snaps.Max(s => s.TrackedTotal);
        long heapMax = snaps.Max(s => Math.Max(s.Total, s.TrackedTotal));
        long rssMax = snaps.Max(s => s.Process.ResidentBytes);
        long classMax = Enumerable.Range(0, snaps.Count).Max(i => model.Classes.Sum(c => c.Totals[i]));
        long stackMax = Math.Max(trackedMax, classMax);

        w.Write("<div class=\"card\" id=\"timespace\"><h3>Time–space</h3>");
        w.Write("<div class=\"scale\" role=\"radiogroup\" aria-label=\"Vertical scale\">Scale to");
        // With nothing tracked (a run that only watches the process) the heap's scale is the informative one.
        string initial = stackMax == 0 ? "heap" : stackMax * 4 >= rssMax ? "rss" : stackMax * 4 >= heapMax ? "heap" : "tracked";
        string Checked(string scale) => scale == initial ? " checked" : "";
        w.Write($"<label><input type=\"radio\" name=\"ts-scale\" id=\"ts-tracked\"{Checked("tracked")}> tracked classes</label>");
        w.Write($"<label><input type=\"radio\" name=\"ts-scale\" id=\"ts-heap\"{Checked("heap")}> GC heap</label>");
        w.Write($"<label><input type=\"radio\" name=\"ts-scale\" id=\"ts-rss\"{Checked("rss")}> process RSS</label></div>");
        w.Write("<div class=\"v-tracked\">");
        TimeSpaceChart(includeHeap: heapMax <= stackMax, includeRss: rssMax <= stackMax).Write(w);
        w.Write("</div><div class=\"v-heap\">");
        TimeSpaceChart(includeHeap: true, includeRss: rssMax <= heapMax).Write(w);
        w.Write("</div><div class=\"v-rss\">");
        TimeSpaceChart(includeHeap: true, includeRss: true).Write(w);
        w.Write("</div><ul class=\"legend\">");
        foreach (ReportClass c in model.Featured)
        {
            w.Write($"<li><span class=\"sw {Colour(c)}\"></span><a href=\"#{c.Anchor}\">");
            HtmlText.Write(w, c.Name);
            w.Write("</a></li>");
        }
        if (model.Others.Count > 0)
            w.Write($"<li><span class=\"sw {OtherColour}\"></span><a href=\"#classes\">{OthersName}</a></li>");
        w.Write("<li><span class=\"sw ln heap\"></span>GC heap: the gap above the stack is the untracked remainder");
        if (heapMax > stackMax) w.Write($"<span class=\"v-tracked\"> (up to {ByteUnits.Compact(heapMax)}: above this scale)</span>");
        w.Write("</li><li><span class=\"sw ln\"></span>Process RSS");
        if (rssMax > stackMax) w.Write($"<span class=\"v-tracked\"> (up to {ByteUnits.Compact(rssMax)}: above this scale)</span>");
        if (rssMax > heapMax) w.Write($"<span class=\"v-heap\"> (up to {ByteUnits.Compact(rssMax)}: above this scale)</span>");
        w.Write("</li></ul></div>");
    }

    private SvgTimeChart TimeSpaceChart(bool includeHeap, bool includeRss)
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        var chart = new SvgTimeChart
        {
            Label = "Time–space chart: total size of each tracked class over time, stacked" + (includeHeap ? ", with the GC heap" : "") + (includeRss ? " and the process's resident set" : ""),
            Times = snaps.Select(s => model.Seconds(s.Timestamp)).ToArray(),
            PointTitle = PointTitle,
            Width = 1180,
            Height = 360,
            ExtraTip = i =>
            [
                "Tracked total: " + ByteUnits.Compact(snaps[i].TrackedTotal),
                "Untracked GC heap: " + ByteUnits.Compact(Math.Max(0, snaps[i].Total - snaps[i].TrackedTotal)),
                .. includeHeap ? Array.Empty<string>() : ["GC heap: " + ByteUnits.Compact(snaps[i].Total)],
                .. includeRss ? Array.Empty<string>() : ["Process RSS: " + ByteUnits.Compact(snaps[i].Process.ResidentBytes)],
            ],
        };
        foreach (ReportClass c in model.Featured)
            chart.Series.Add(new ChartSeries(c.Name, c.Totals.Select(t => (double)t).ToArray(), SeriesKind.StackedArea, Colour(c)));
        if (model.Others.Count > 0)
            chart.Series.Add(new ChartSeries(OthersName, model.OtherTotals.Select(t => (double)t).ToArray(), SeriesKind.StackedArea, OtherColour));
        // The heap line sits above the stack by exactly the untracked remainder; RSS shows what the OS sees.
        if (includeHeap)
            chart.Series.Add(new ChartSeries("GC heap (tracked + untracked)", snaps.Select(s => (double)Math.Max(s.Total, s.TrackedTotal)).ToArray(), SeriesKind.DashedLine, "heap"));
        if (includeRss)
            chart.Series.Add(new ChartSeries("Process RSS", snaps.Select(s => (double)s.Process.ResidentBytes).ToArray(), SeriesKind.Line, "rss"));
        return chart;
    }

    internal static string Colour(ReportClass c) => "s" + (c.Index % 10).ToString(CultureInfo.InvariantCulture);

    /// <summary>The colour of the classes added up as one ("other classes").</summary>
    internal const string OtherColour = "so";

    /// <summary>How the classes without a section of their own are named where they are added up.</summary>
    internal string OthersName => $"{HtmlText.Plural(model.Others.Count, "other class", "other classes")}";

    internal string PointTitle(int i)
    {
        Snapshot s = model.Snapshots[i];
        string label = string.IsNullOrEmpty(s.Description) ? "" : " · " + s.Description;
        return $"Snapshot #{HtmlText.Int(i)}{label} ({HtmlText.Seconds(model.Seconds(s.Timestamp))})";
    }

    /// <summary>Per snapshot: the totals, the process's memory and the GC's own figures.</summary>
    private void WriteSnapshots()
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        List<string> generations = snaps.SelectMany(s => s.Gc.Generations.Select(g => g.Name)).Distinct(StringComparer.Ordinal).ToList();
        int collectionColumns = snaps.Count == 0 ? 0 : snaps.Max(s => s.Gc.CollectionCounts.Count);

        w.Write("<section id=\"snapshots\"><h2>Snapshots</h2><p class=\"note\">Sizes of generations are after the last GC before the snapshot; collections are counted since the process started.</p>");
        if (snaps.Count > 0 && generations.Count > 0) WriteGenerations(generations);
        w.Write("<div class=\"scroll tall\"><table class=\"sortable\" id=\"snapshot-table\"><thead><tr><th class=\"n\">#</th><th>Snapshot</th><th class=\"n\">Time</th>");
        w.Write("<th class=\"n\">Tracked</th><th class=\"n\">GC heap</th><th class=\"n\">Untracked</th><th class=\"n\">RSS</th><th class=\"n\">Virtual</th><th class=\"n\">Committed</th><th class=\"n\">Fragmented</th>");
        foreach (string g in generations)
        {
            w.Write("<th class=\"n\">");
            HtmlText.Write(w, g);
            w.Write("</th>");
        }
        for (int g = 0; g < collectionColumns; g++) w.Write($"<th class=\"n\">GC{g}</th>");
        w.Write("<th class=\"n\">Allocated</th></tr></thead><tbody>");
        for (int i = 0; i < snaps.Count; i++)
        {
            Snapshot s = snaps[i];
            w.Write($"<tr><td class=\"n\" data-v=\"{i}\">{i}</td><td class=\"name\">");
            HtmlText.Write(w, s.Description);
            w.Write($"</td>{TimeCell(model, s)}{BytesCell(s.TrackedTotal)}{BytesCell(s.Total)}{BytesCell(Math.Max(0, s.Total - s.TrackedTotal))}");
            w.Write($"{BytesCell(s.Process.ResidentBytes)}{BytesCell(s.Process.VirtualBytes)}{BytesCell(s.Gc.CommittedBytes)}{BytesCell(s.Gc.FragmentedBytes)}");
            foreach (string g in generations)
            {
                GenerationFigures? figures = s.Gc.Generations.FirstOrDefault(x => x.Name == g);
                w.Write(figures is null ? "<td class=\"n\" data-v=\"-1\"></td>" : BytesCell(figures.SizeAfterBytes, figures.FragmentationAfterBytes));
            }
            for (int g = 0; g < collectionColumns; g++)
                w.Write(g < s.Gc.CollectionCounts.Count ? CountCell(s.Gc.CollectionCounts[g]) : "<td class=\"n\" data-v=\"-1\"></td>");
            w.Write($"{BytesCell(s.Gc.TotalAllocatedBytes)}</tr>");
        }
        w.Write("</tbody></table></div></section>");
    }

    /// <summary>The GC's generations stacked over time, with the committed memory as a line.</summary>
    private void WriteGenerations(List<string> generations)
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        var chart = new SvgTimeChart
        {
            Label = "GC generations after the last collection, stacked, with the committed memory",
            Times = snaps.Select(s => model.Seconds(s.Timestamp)).ToArray(),
            PointTitle = PointTitle,
            Width = 1180,
            Height = 260,
            ExtraTip = i =>
            [
                "Committed: " + ByteUnits.Compact(snaps[i].Gc.CommittedBytes),
                .. snaps[i].Gc.CollectionCounts.Count == 0 ? Array.Empty<string>() : ["Collections (gen0/1/2…): " + string.Join(" / ", snaps[i].Gc.CollectionCounts.Select(c => HtmlText.Count(c)))],
            ],
        };
        for (int g = 0; g < generations.Count; g++)
        {
            string name = generations[g];
            chart.Series.Add(new ChartSeries(name, snaps.Select(s => (double)(s.Gc.Generations.FirstOrDefault(x => x.Name == name)?.SizeAfterBytes ?? 0)).ToArray(),
                SeriesKind.StackedArea, "s" + ((9 - g) % 10).ToString(CultureInfo.InvariantCulture)));
        }
        // Committed memory can be far above the generations (a NoGC region's budget counts as committed);
        // drawn at that scale the generations would vanish, so then it is only named in the legend and tooltips.
        long generationMax = Enumerable.Range(0, snaps.Count).Max(i => (long)chart.Series.Sum(x => x.Values[i]));
        long committedMax = snaps.Max(s => s.Gc.CommittedBytes);
        bool committedFits = committedMax <= 4 * Math.Max(1, generationMax);
        if (committedFits)
            chart.Series.Add(new ChartSeries("Committed", snaps.Select(s => (double)s.Gc.CommittedBytes).ToArray(), SeriesKind.DashedLine, "heap"));
        w.Write("<div class=\"card\" id=\"generations\"><h3>GC generations</h3>");
        chart.Write(w);
        w.Write("<ul class=\"legend\">");
        for (int g = 0; g < generations.Count; g++)
        {
            w.Write($"<li><span class=\"sw s{((9 - g) % 10).ToString(CultureInfo.InvariantCulture)}\"></span>");
            HtmlText.Write(w, generations[g]);
            w.Write("</li>");
        }
        w.Write("<li><span class=\"sw ln heap\"></span>Committed by the GC");
        if (!committedFits) w.Write($" (up to {ByteUnits.Compact(committedMax)}: above this scale)");
        w.Write("</li></ul></div>");
    }

    internal static string TimeCell(ReportModel model, Snapshot s)
    {
        double seconds = model.Seconds(s.Timestamp);
        string utc = s.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);
        return $"<td class=\"n\" data-v=\"{seconds.ToString("R", CultureInfo.InvariantCulture)}\" title=\"{utc}\">{HtmlText.Seconds(seconds)}</td>";
    }

    internal static string BytesCell(long bytes, long? fragmentation = null)
    {
        string title = bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
        if (fragmentation is long f) title += ", fragmentation " + ByteUnits.Compact(f);
        return $"<td class=\"n\" data-v=\"{HtmlText.Int(bytes)}\" title=\"{title}\">{ByteUnits.Compact(bytes)}</td>";
    }

    internal static string CountCell(long count) => $"<td class=\"n\" data-v=\"{HtmlText.Int(count)}\">{HtmlText.Count(count)}</td>";
}
