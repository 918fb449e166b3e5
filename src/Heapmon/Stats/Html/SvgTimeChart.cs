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
        (List<double[]> stackTops, double max) = Stack();
        (double yTop, List<(double Value, string Label)> yTicks) = Bytes
            ? ChartScale.Bytes(max)
            : ChartScale.Plain(max, 5, v => HtmlText.Count((long)v), integer: true);
        var plot = new Plot(Times, Width - Left - Right, Height - Top - Bottom, yTop);

        w.Write($"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"");
        HtmlText.Write(w, Label);
        w.Write($"\" style=\"max-width:{Width}px\">");
        WriteAxes(w, plot, yTicks);
        WriteAreas(w, plot, stackTops);
        WriteLines(w, plot);
        WriteHits(w, plot);
        w.Write("</svg>");
    }

    /// <summary>Stacks the areas; lines stand alone. The axis covers the highest of both.</summary>
    private (List<double[]> StackTops, double Max) Stack()
    {
        int n = Times.Length;
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
        return (stackTops, max);
    }

    /// <summary>Where a snapshot and a value land on the chart.</summary>
    private sealed class Plot
    {
        private readonly double[] _times;
        private readonly double _x0, _x1, _yTop;

        public Plot(double[] times, double width, double height, double yTop)
        {
            (_times, Width, Height, _yTop, N) = (times, width, height, yTop, times.Length);
            // Time axis when the clock moved forward; otherwise (equal or disordered stamps) one step per snapshot.
            ByTime = N > 1 && times[^1] > times[0] && times.Zip(times.Skip(1)).All(p => p.Second >= p.First);
            (_x0, _x1) = ByTime ? (times[0], times[^1]) : (0, Math.Max(1, N - 1));
        }

        public int N { get; }
        public double Width { get; }
        public double Height { get; }
        public bool ByTime { get; }
        public double BaseY => Top + Height;

        public double X(int i) => N == 1 ? Left + Width / 2 : XAt(ByTime ? _times[i] : i);
        public double XAt(double v) => Left + (v - _x0) / (_x1 - _x0) * Width;
        public double Y(double v) => Top + Height - v / _yTop * Height;
        public IEnumerable<double> TimeTicks(int count) => ChartScale.Within(_x0, _x1, count);
    }

    /// <summary>Grid, axes, their labels, and a tick under each snapshot.</summary>
    private void WriteAxes(TextWriter w, Plot plot, List<(double Value, string Label)> yTicks)
    {
        w.Write("<g class=\"axis\">");
        foreach ((double value, string label) in yTicks)
        {
            string y = HtmlText.Num(plot.Y(value));
            w.Write($"<line class=\"grid\" x1=\"{HtmlText.Num(Left)}\" x2=\"{HtmlText.Num(Width - Right)}\" y1=\"{y}\" y2=\"{y}\"/>");
            w.Write($"<text x=\"{HtmlText.Num(Left - 6)}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{HtmlText.Encode(label)}</text>");
        }
        string baseY = HtmlText.Num(plot.BaseY);
        string labelY = HtmlText.Num(plot.BaseY + 20);
        if (plot.ByTime)
            foreach (double t in plot.TimeTicks(Math.Max(3, (int)(plot.Width / 90))))
                w.Write($"<text x=\"{HtmlText.Num(plot.XAt(t))}\" y=\"{labelY}\" text-anchor=\"middle\">{HtmlText.Seconds(t)}</text>");
        else
        {
            int every = Math.Max(1, (int)Math.Ceiling(plot.N / (plot.Width / 60)));
            for (int i = 0; i < plot.N; i += every)
                w.Write($"<text x=\"{HtmlText.Num(plot.X(i))}\" y=\"{labelY}\" text-anchor=\"middle\">#{HtmlText.Int(i)}</text>");
        }
        // A tick under each snapshot, so the points are visible even between labels.
        var ticks = new StringBuilder();
        for (int i = 0; i < plot.N; i++) ticks.Append('M').Append(HtmlText.Num(plot.X(i))).Append(',').Append(baseY).Append("v5");
        w.Write($"<path class=\"ticks\" d=\"{ticks}\"/>");
        w.Write($"<line class=\"base\" x1=\"{HtmlText.Num(Left)}\" x2=\"{HtmlText.Num(Width - Right)}\" y1=\"{baseY}\" y2=\"{baseY}\"/>");
        w.Write("</g>");
    }

    /// <summary>Areas from the top of the stack down, so each lies on the one below.</summary>
    private void WriteAreas(TextWriter w, Plot plot, List<double[]> stackTops)
    {
        int n = plot.N, area = 0;
        double[] zero = new double[n];
        foreach (ChartSeries s in Series.Where(s => s.Kind == SeriesKind.StackedArea))
        {
            double[] lower = area == 0 ? zero : stackTops[area - 1], upper = stackTops[area++];
            var d = new StringBuilder();
            if (n == 1)
                d.Append($"M{HtmlText.Num(Left)},{HtmlText.Num(plot.Y(upper[0]))}H{HtmlText.Num(Width - Right)}V{HtmlText.Num(plot.Y(lower[0]))}H{HtmlText.Num(Left)}Z");
            else
            {
                for (int i = 0; i < n; i++) d.Append(i == 0 ? 'M' : 'L').Append(HtmlText.Num(plot.X(i))).Append(',').Append(HtmlText.Num(plot.Y(upper[i])));
                for (int i = n - 1; i >= 0; i--) d.Append('L').Append(HtmlText.Num(plot.X(i))).Append(',').Append(HtmlText.Num(plot.Y(lower[i])));
                d.Append('Z');
            }
            // An area that is zero throughout keeps its element (and name) but draws no outline over its neighbour.
            string empty = s.Values.All(v => v <= 0) ? " empty" : "";
            w.Write($"<path class=\"series area {s.ColourClass}{empty}\" d=\"{d}\"><title>");
            HtmlText.Write(w, s.Name);
            w.Write("</title></path>");
        }
    }

    private void WriteLines(TextWriter w, Plot plot)
    {
        foreach (ChartSeries s in Series.Where(s => s.Kind != SeriesKind.StackedArea))
        {
            var d = new StringBuilder();
            if (plot.N == 1) d.Append($"M{HtmlText.Num(Left)},{HtmlText.Num(plot.Y(s.Values[0]))}H{HtmlText.Num(Width - Right)}");
            else for (int i = 0; i < plot.N; i++) d.Append(i == 0 ? 'M' : 'L').Append(HtmlText.Num(plot.X(i))).Append(',').Append(HtmlText.Num(plot.Y(s.Values[i])));
            string dash = s.Kind == SeriesKind.DashedLine ? " dashed" : "";
            w.Write($"<path class=\"series line {s.ColourClass}{dash}\" d=\"{d}\"><title>");
            HtmlText.Write(w, s.Name);
            w.Write("</title></path>");
        }
    }

    /// <summary>Hover: one transparent band per snapshot carrying its values; the script shows them and moves the guide.</summary>
    private void WriteHits(TextWriter w, Plot plot)
    {
        int n = plot.N;
        w.Write($"<line class=\"guide\" x1=\"0\" x2=\"0\" y1=\"{HtmlText.Num(Top)}\" y2=\"{HtmlText.Num(plot.BaseY)}\"/>");
        w.Write("<g class=\"hits\">");
        for (int i = 0; i < n; i++)
        {
            double left = i == 0 ? Left : (plot.X(i - 1) + plot.X(i)) / 2;
            double right = i == n - 1 ? Width - Right : (plot.X(i) + plot.X(i + 1)) / 2;
            if (n == 1) (left, right) = (Left, Width - Right);
            w.Write($"<rect class=\"hit\" x=\"{HtmlText.Num(left)}\" y=\"{HtmlText.Num(Top)}\" width=\"{HtmlText.Num(Math.Max(0.5, right - left))}\" height=\"{HtmlText.Num(plot.Height)}\" data-x=\"{HtmlText.Num(plot.X(i))}\" data-tip=\"");
            HtmlText.Write(w, Tip(i));
            w.Write("\"/>");
        }
        w.Write("</g>");
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
