using System.Globalization;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// A class's section: instances and total over time, its largest instances, the distribution of
/// instance sizes and, when traces were recorded, where instances were created (Pympler: the class pages of HtmlStats).
/// </summary>
internal sealed class ClassSection(ReportModel model, ReportClass c, HtmlStatsOptions options, TextWriter w)
{
    public void Write()
    {
        IReadOnlyList<Snapshot> snaps = model.Snapshots;
        w.Write($"<section class=\"class\" id=\"{c.Anchor}\"><h2><span class=\"sw {OverviewSection.Colour(c)}\"></span> <code>");
        HtmlText.Write(w, c.Name);
        w.Write("</code></h2>");
        if (c.Record is { } record)
            w.Write($"<p class=\"note\">Tracked as a class, resolution level {HtmlText.Int(record.ResolutionLevel)}{(record.Trace ? ", with instantiation traces" : "")}.</p>");

        if (snaps.Count > 0)
        {
            int peak = Array.IndexOf(c.Totals, c.Totals.Max());
            w.Write($"<p class=\"note\">At the last snapshot: {HtmlText.Plural(c.Active[^1], "instance")}, {ByteUnits.Compact(c.Totals[^1])}. Peak: {ByteUnits.Compact(c.Totals[peak])} at snapshot #{HtmlText.Int(peak)}; most instances: {HtmlText.Count(c.Active.Max())}.</p>");
            w.Write("<div class=\"grid2\">");
            double[] times = snaps.Select(s => model.Seconds(s.Timestamp)).ToArray();
            var overview = new OverviewSection(model, w);
            var instances = new SvgTimeChart { Label = "Instances of " + c.Name + " over time", Times = times, PointTitle = overview.PointTitle, Bytes = false, Width = 480, Height = 220 };
            instances.Series.Add(new ChartSeries("Instances", c.Active.Select(a => (double)a).ToArray(), SeriesKind.Line, OverviewSection.Colour(c)));
            var total = new SvgTimeChart { Label = "Total size of " + c.Name + " over time", Times = times, PointTitle = overview.PointTitle, Width = 480, Height = 220 };
            total.Series.Add(new ChartSeries("Total", c.Totals.Select(t => (double)t).ToArray(), SeriesKind.StackedArea, OverviewSection.Colour(c)));
            w.Write("<div class=\"card\"><h3>Instances</h3>");
            instances.Write(w);
            w.Write("</div><div class=\"card\"><h3>Total size</h3>");
            total.Write(w);
            w.Write("</div>");
            WriteDistribution();
            w.Write("</div>");
        }
        WriteLargest();
        WriteSites();
        w.Write("</section>");
    }

    /// <summary>Instance sizes at the last snapshot that sampled any instance, in power-of-two buckets.</summary>
    private void WriteDistribution()
    {
        int column = -1;
        foreach (TrackedObjectRecord obj in c.Objects)
            foreach (SizeSample sample in obj.Samples)
                column = Math.Max(column, model.PositionOf(sample.SnapshotIndex));
        w.Write("<div class=\"card\"><h3>Size distribution</h3>");
        if (column < 0)
        {
            w.Write("<p class=\"note\">No instance sizes were sampled.</p></div>");
            return;
        }
        var buckets = new SortedDictionary<int, long>();
        int snapshotIndex = model.Snapshots[column].Index;
        foreach (TrackedObjectRecord obj in c.Objects)
            foreach (SizeSample sample in obj.Samples)
                if (sample.SnapshotIndex == snapshotIndex)
                {
                    int bucket = sample.Size <= 0 ? 0 : 63 - (int)long.LeadingZeroCount(sample.Size);
                    buckets[bucket] = buckets.GetValueOrDefault(bucket) + 1;
                }
        int lo = buckets.Keys.First(), hi = buckets.Keys.Last();
        var bars = new List<(string, long, string)>();
        for (int b = lo; b <= hi; b++)
        {
            long count = buckets.GetValueOrDefault(b);
            long from = 1L << b, to = (1L << (b + 1)) - 1;
            bars.Add((ByteUnits.Compact(from), count, $"{ByteUnits.Compact(from)} – {ByteUnits.Compact(to)}: {HtmlText.Count(count)} instances"));
        }
        new SvgBarChart { Label = "Distribution of instance sizes of " + c.Name, Bars = bars, ColourClass = OverviewSection.Colour(c) }.Write(w);
        w.Write($"<p class=\"note\">At snapshot #{HtmlText.Int(column)}, by size from each power of two up to the next.</p></div>");
    }

    private void WriteLargest()
    {
        if (c.Objects.Count == 0 || options.LargestInstances == 0) return;
        var largest = c.Objects
            .Select(o => (Object: o, Peak: o.Samples.Count == 0 ? default : o.Samples.MaxBy(s => s.Size)))
            .OrderByDescending(x => x.Peak.Size).ThenBy(x => x.Object.Id)
            .Take(options.LargestInstances).ToList();
        string shown = largest.Count < c.Objects.Count ? $"the {HtmlText.Count(largest.Count)} largest of {HtmlText.Count(c.Objects.Count)}" : $"all {HtmlText.Count(c.Objects.Count)}";
        w.Write($"<h3>Largest instances</h3><p class=\"note\">By peak size; {shown}.</p><div class=\"scroll\"><table class=\"sortable largest\"><thead><tr>");
        w.Write("<th class=\"n\">Id</th><th>Object</th><th class=\"n\">Peak</th><th class=\"n\">Flat at peak</th><th class=\"n\">At #</th><th class=\"n\">Last size</th><th class=\"n\">Born</th><th class=\"n\">Died</th></tr></thead><tbody>");
        foreach ((TrackedObjectRecord o, SizeSample peak) in largest)
        {
            long last = o.Samples.Count == 0 ? 0 : o.Samples[^1].Size;
            w.Write($"<tr><td class=\"n\" data-v=\"{HtmlText.Int(o.Id)}\">{HtmlText.Int(o.Id)}</td><td class=\"name\">");
            bool hasTree = ReferentTreeSection.HasTree(o);
            if (hasTree) w.Write($"<a href=\"#{ReferentTreeSection.Anchor(o)}\">");
            HtmlText.Write(w, o.Name);
            if (hasTree) w.Write("</a>");
            w.Write($"</td>{OverviewSection.BytesCell(peak.Size)}{OverviewSection.BytesCell(peak.Flat)}");
            int at = model.PositionOf(peak.SnapshotIndex);
            w.Write(o.Samples.Count == 0 ? "<td class=\"n\" data-v=\"-1\"></td>" : OverviewSection.CountCell(at));
            w.Write($"{OverviewSection.BytesCell(last)}{SecondsCell(o.Birth)}");
            w.Write(o.Death is { } death ? SecondsCell(death) : "<td class=\"n\" data-v=\"1e300\">alive</td>");
            w.Write("</tr>");
        }
        w.Write("</tbody></table></div>");
    }

    private string SecondsCell(DateTimeOffset time)
    {
        double seconds = model.Seconds(time);
        return $"<td class=\"n\" data-v=\"{seconds.ToString("R", CultureInfo.InvariantCulture)}\">{HtmlText.Seconds(seconds)}</td>";
    }

    /// <summary>Instantiation sites: the sampled estimates if the class recorded any, else the exact per-object traces.</summary>
    private void WriteSites()
    {
        IReadOnlyList<InstantiationSite> sites = c.Record?.Sites ?? [];
        if (sites.Count > 0)
        {
            w.Write("<h3>Instantiation sites</h3><p class=\"note\">Estimated from sampled allocations, with the 95% interval.</p><div class=\"scroll\"><table class=\"sortable sites\"><thead><tr>");
            w.Write("<th>Where</th><th class=\"n\">Estimated instances</th><th class=\"n\">95% interval</th><th class=\"n\">Samples</th></tr></thead><tbody>");
            foreach (InstantiationSite site in sites.OrderByDescending(s => s.EstimatedCount))
            {
                w.Write("<tr><td class=\"name\">");
                WriteFrames(site.Frames);
                w.Write($"</td><td class=\"n\" data-v=\"{site.EstimatedCount.ToString("R", CultureInfo.InvariantCulture)}\">{HtmlText.Count((long)Math.Round(site.EstimatedCount))}</td>");
                w.Write($"<td class=\"n\" data-v=\"{site.Low.ToString("R", CultureInfo.InvariantCulture)}\">{HtmlText.Count((long)Math.Round(site.Low))} – {HtmlText.Count((long)Math.Round(site.High))}</td>{OverviewSection.CountCell(site.Samples)}</tr>");
            }
            w.Write("</tbody></table></div>");
            return;
        }
        var traced = c.Objects.Where(o => o.Trace is { Count: > 0 })
            .GroupBy(o => string.Join('\n', o.Trace!), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ToList();
        if (traced.Count == 0) return;
        w.Write("<h3>Instantiation sites</h3><p class=\"note\">From the recorded instantiation traces.</p><div class=\"scroll\"><table class=\"sortable sites\"><thead><tr><th>Where</th><th class=\"n\">Instances</th></tr></thead><tbody>");
        foreach (IGrouping<string, TrackedObjectRecord> group in traced)
        {
            w.Write("<tr><td class=\"name\">");
            WriteFrames(group.First().Trace!);
            w.Write($"</td>{OverviewSection.CountCell(group.Count())}</tr>");
        }
        w.Write("</tbody></table></div>");
    }

    private void WriteFrames(IReadOnlyList<string> frames)
    {
        if (frames.Count == 0)
        {
            w.Write("<span class=\"note\">(no frames)</span>");
            return;
        }
        if (frames.Count == 1)
        {
            w.Write("<code>");
            HtmlText.Write(w, frames[0]);
            w.Write("</code>");
            return;
        }
        w.Write("<details class=\"frames\"><summary><code>");
        HtmlText.Write(w, frames[0]);
        w.Write($"</code> <span class=\"note\">+{HtmlText.Int(frames.Count - 1)} frames</span></summary><ol class=\"frames\" start=\"2\">");
        for (int i = 1; i < frames.Count; i++)
        {
            w.Write("<li><code>");
            HtmlText.Write(w, frames[i]);
            w.Write("</code></li>");
        }
        w.Write("</ol></details>");
    }
}
