namespace Heapmon.Stats;

/// <summary>A bar chart of counts written as inline SVG (the size distribution of a class); see <see cref="SvgTimeChart"/> for why SVG.</summary>
internal sealed class SvgBarChart
{
    private const double Left = 56, Right = 12, Top = 12, Bottom = 34;

    public required string Label { get; init; }

    public required IReadOnlyList<(string Label, long Count, string Tip)> Bars { get; init; }

    public required string ColourClass { get; init; }

    public int Width { get; init; } = 460;

    public int Height { get; init; } = 220;

    public void Write(TextWriter w)
    {
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        long max = Bars.Count == 0 ? 0 : Bars.Max(b => b.Count);
        (double yTop, List<(double Value, string Label)> ticks) = ChartScale.Plain(max, 4, v => HtmlText.Count((long)v), integer: true);
        double Y(double v) => Top + plotH - v / yTop * plotH;
        string baseY = HtmlText.Num(Top + plotH);

        w.Write($"<svg class=\"chart bars\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"");
        HtmlText.Write(w, Label);
        w.Write($"\" style=\"max-width:{Width}px\"><g class=\"axis\">");
        foreach ((double value, string label) in ticks)
        {
            string y = HtmlText.Num(Y(value));
            w.Write($"<line class=\"grid\" x1=\"{HtmlText.Num(Left)}\" x2=\"{HtmlText.Num(Width - Right)}\" y1=\"{y}\" y2=\"{y}\"/>");
            w.Write($"<text x=\"{HtmlText.Num(Left - 6)}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{HtmlText.Encode(label)}</text>");
        }
        w.Write($"<line class=\"base\" x1=\"{HtmlText.Num(Left)}\" x2=\"{HtmlText.Num(Width - Right)}\" y1=\"{baseY}\" y2=\"{baseY}\"/>");
        double slot = Bars.Count == 0 ? plotW : plotW / Bars.Count;
        int every = Math.Max(1, (int)Math.Ceiling(70 / slot)); // labels need ~70 units each
        for (int i = 0; i < Bars.Count; i += every)
            w.Write($"<text x=\"{HtmlText.Num(Left + slot * (i + 0.5))}\" y=\"{HtmlText.Num(Top + plotH + 20)}\" text-anchor=\"middle\">{HtmlText.Encode(Bars[i].Label)}</text>");
        w.Write("</g>");
        for (int i = 0; i < Bars.Count; i++)
        {
            double x = Left + slot * i + slot * 0.12, width = slot * 0.76;
            double y = Y(Bars[i].Count);
            w.Write($"<rect class=\"series bar {ColourClass}\" x=\"{HtmlText.Num(x)}\" y=\"{HtmlText.Num(y)}\" width=\"{HtmlText.Num(width)}\" height=\"{HtmlText.Num(Top + plotH - y)}\"/>");
            // The hover band spans the whole slot, so short bars are easy to point at.
            w.Write($"<rect class=\"hit\" x=\"{HtmlText.Num(Left + slot * i)}\" y=\"{HtmlText.Num(Top)}\" width=\"{HtmlText.Num(slot)}\" height=\"{HtmlText.Num(plotH)}\" data-tip=\"");
            HtmlText.Write(w, Bars[i].Tip);
            w.Write("\"/>");
        }
        w.Write("</svg>");
    }
}
