using System.Text;

namespace Heapmon.Stats;

/// <summary>How a series is drawn: stacked on the ones before it, or as a line of its own.</summary>
internal enum SeriesKind { StackedArea, Line, DashedLine }

/// <summary>One series of a time chart; <paramref name="ColourClass"/> is a CSS class (s0…s9, rss, heap).</summary>
internal sealed record ChartSeries(string Name, double[] Values, SeriesKind Kind, string ColourClass);

/// <summary>
/// A chart over the snapshots, written as inline SVG by the report itself.
/// </summary>
/// <remarks>
/// Why SVG we write rather than an embedded charting library: the report must be one offline file that
/// stays small at 100 snapshots × 1,000 objects; a library (Chart.js ≈ 200 KB, uPlot ≈ 50 KB) would be most
/// of a small report, would need the data as JSON in a script (one more escaping context), and would draw
/// nothing with scripts off or in print. Server-side SVG is a few KB per chart, prints as crisp vectors,
/// takes its colours from the page's CSS (light and dark), and carries names only as HTML-encoded text.
/// The one interactive part, the hover values, is a tooltip that a few lines of script fill from a
/// per-snapshot band's data-tip attribute.
/// </remarks>
internal sealed class SvgTimeChart
{
    private const double Left = 72, Right = 16, Top = 12, Bottom = 34;

    public required string Label { get; init; }

    /// <summary>X of each point: seconds from the report's origin.</summary>
    public required double[] Times { get; init; }

    /// <summary>First line of the tooltip at each point (snapshot number and label).</summary>
    public required Func<int, string> PointTitle { get; init; }

    public List<ChartSeries> Series { get; } = [];

    public bool Bytes { get; init; } = true;

    public int Width { get; init; } = 960;

    public int Height { get; init; } = 320;

    /// <summary>Extra tooltip lines at a point, after the series.</summary>
    public Func<int, IEnumerable<string>>? ExtraTip { get; init; }

    public void Write(TextWriter w)
    {
        int n = Times.Length;
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;

        // Stack the areas; lines stand alone. The axis covers the highest of both.
        var stackTops = new List<double[]>();
        var running = new double[n];
        double max = 0;
        foreach (ChartSeries s in Series)
        {
            if (s.Kind == SeriesKind.StackedArea)
            {
                var top = new double[n];
                for (int i = 0; i < n; i++) top[i] = running[i] += Math.Max(0, s.Values[i]);
                stackTops.Add(top);
                max = Math.Max(max, top.DefaultIfEmpty(0).Max());
            }
            else max = Math.Max(max, s.Values.DefaultIfEmpty(0).Max());
        }

        (double yTop, List<(double Value, string Label)> yTicks) = Bytes
            ? ChartScale.Bytes(max)
            : ChartScale.Plain(max, 5, v => HtmlText.Count((long)v), integer: true);

        // Time axis when the clock moved forward; otherwise (equal or disordered stamps) one step per snapshot.
        bool byTime = n > 1 && Times[^1] > Times[0] && Times.Zip(Times.Skip(1)).All(p => p.Second >= p.First);
        double x0 = byTime ? Times[0] : 0, x1 = byTime ? Times[^1] : Math.Max(1, n - 1);
        double X(int i)
        {
            if (n == 1) return Left + plotW / 2;
            double v = byTime ? Times[i] : i;
            return Left + (v - x0) / (x1 - x0) * plotW;
        }
        double Y(double v) => Top + plotH - v / yTop * plotH;

        w.Write($"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"");
        HtmlText.Write(w, Label);
        w.Write($"\" style=\"max-width:{Width}px\">");

        // Grid and axes.
        w.Write("<g class=\"axis\">");
        foreach ((double value, string label) in yTicks)
        {
            string y = HtmlText.Num(Y(value));
            w.Write($"<line class=\"grid\" x1=\"{HtmlText.Num(Left)}\" x2=\"{HtmlText.Num(Width - Right)}\" y1=\"{y}\" y2=\"{y}\"/>");
            w.Write($"<text x=\"{HtmlText.Num(Left - 6)}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{HtmlText.Encode(label)}</text>");
        }
        string baseY = HtmlText.Num(Top + plotH);
        if (byTime)
            foreach (double t in ChartScale.Within(x0, x1, Math.Max(3, (int)(plotW / 90))))
            {
                string x = HtmlText.Num(Left + (t - x0) / (x1 - x0) * plotW);
                w.Write($"<text x=\"{x}\" y=\"{HtmlText.Num(Top + plotH + 20)}\" text-anchor=\"middle\">{HtmlText.Seconds(t)}</text>");
            }
        else
        {
            int every = Math.Max(1, (int)Math.Ceiling(n / (plotW / 60)));
            for (int i = 0; i < n; i += every)
                w.Write($"<text x=\"{HtmlText.Num(X(i))}\" y=\"{HtmlText.Num(Top + plotH + 20)}\" text-anchor=\"middle\">#{HtmlText.Int(i)}</text>");
        }
        // A tick under each snapshot, so the points are visible even between labels.
        var ticks = new StringBuilder();
        for (int i = 0; i < n; i++) ticks.Append('M').Append(HtmlText.Num(X(i))).Append(',').Append(baseY).Append("v5");
        w.Write($"<path class=\"ticks\" d=\"{ticks}\"/>");
        w.Write($"<line class=\"base\" x1=\"{HtmlText.Num(Left)}\" x2=\"{HtmlText.Num(Width - Right)}\" y1=\"{baseY}\" y2=\"{baseY}\"/>");
        w.Write("</g>");

        // Areas from the top of the stack down, so each lies on the one below; then lines.
        int area = 0;
        double[] zero = new double[n];
        var areas = new List<(ChartSeries Series, double[] Lower, double[] Upper)>();
        foreach (ChartSeries s in Series.Where(s => s.Kind == SeriesKind.StackedArea))
        {
            areas.Add((s, area == 0 ? zero : stackTops[area - 1], stackTops[area]));
            area++;
        }
        foreach ((ChartSeries s, double[] lower, double[] upper) in areas)
        {
            var d = new StringBuilder();
            if (n == 1)
                d.Append($"M{HtmlText.Num(Left)},{HtmlText.Num(Y(upper[0]))}H{HtmlText.Num(Width - Right)}V{HtmlText.Num(Y(lower[0]))}H{HtmlText.Num(Left)}Z");
            else
            {
                for (int i = 0; i < n; i++) d.Append(i == 0 ? 'M' : 'L').Append(HtmlText.Num(X(i))).Append(',').Append(HtmlText.Num(Y(upper[i])));
                for (int i = n - 1; i >= 0; i--) d.Append('L').Append(HtmlText.Num(X(i))).Append(',').Append(HtmlText.Num(Y(lower[i])));
                d.Append('Z');
            }
            // An area that is zero throughout keeps its element (and name) but draws no outline over its neighbour.
            string empty = s.Values.All(v => v <= 0) ? " empty" : "";
            w.Write($"<path class=\"series area {s.ColourClass}{empty}\" d=\"{d}\"><title>");
            HtmlText.Write(w, s.Name);
            w.Write("</title></path>");
        }
        foreach (ChartSeries s in Series.Where(s => s.Kind != SeriesKind.StackedArea))
        {
            var d = new StringBuilder();
            if (n == 1) d.Append($"M{HtmlText.Num(Left)},{HtmlText.Num(Y(s.Values[0]))}H{HtmlText.Num(Width - Right)}");
            else for (int i = 0; i < n; i++) d.Append(i == 0 ? 'M' : 'L').Append(HtmlText.Num(X(i))).Append(',').Append(HtmlText.Num(Y(s.Values[i])));
            string dash = s.Kind == SeriesKind.DashedLine ? " dashed" : "";
            w.Write($"<path class=\"series line {s.ColourClass}{dash}\" d=\"{d}\"><title>");
            HtmlText.Write(w, s.Name);
            w.Write("</title></path>");
        }

        // Hover: one transparent band per snapshot carrying its values; the script shows them and moves the guide.
        w.Write($"<line class=\"guide\" x1=\"0\" x2=\"0\" y1=\"{HtmlText.Num(Top)}\" y2=\"{baseY}\"/>");
        w.Write("<g class=\"hits\">");
        for (int i = 0; i < n; i++)
        {
            double left = i == 0 ? Left : (X(i - 1) + X(i)) / 2;
            double right = i == n - 1 ? Width - Right : (X(i) + X(i + 1)) / 2;
            if (n == 1) (left, right) = (Left, Width - Right);
            w.Write($"<rect class=\"hit\" x=\"{HtmlText.Num(left)}\" y=\"{HtmlText.Num(Top)}\" width=\"{HtmlText.Num(Math.Max(0.5, right - left))}\" height=\"{HtmlText.Num(plotH)}\" data-x=\"{HtmlText.Num(X(i))}\" data-tip=\"");
            HtmlText.Write(w, Tip(i));
            w.Write("\"/>");
        }
        w.Write("</g></svg>");
    }

    private string Tip(int i)
    {
        var tip = new StringBuilder(PointTitle(i));
        // Top of the stack first, as it is drawn.
        foreach (ChartSeries s in Series.Where(s => s.Kind == SeriesKind.StackedArea).Reverse())
            tip.Append('\n').Append(s.Name).Append(": ").Append(Format(s.Values[i]));
        foreach (ChartSeries s in Series.Where(s => s.Kind != SeriesKind.StackedArea))
            tip.Append('\n').Append(s.Name).Append(": ").Append(Format(s.Values[i]));
        if (ExtraTip is not null)
            foreach (string line in ExtraTip(i)) tip.Append('\n').Append(line);
        return tip.ToString();
    }

    private string Format(double value) => Bytes ? ByteUnits.Compact(value) : HtmlText.Count((long)value);
}
