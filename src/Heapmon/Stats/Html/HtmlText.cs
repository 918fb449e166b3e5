using System.Globalization;
using System.Net;

namespace Heapmon.Stats;

/// <summary>
/// The only way text reaches the report: HTML-encoded (&amp; &lt; &gt; " '), so a type or object name such as
/// <c>&lt;script&gt;</c> or <c>&lt;&gt;c__DisplayClass0_0</c> is shown as text, in element content and in quoted attributes alike.
/// </summary>
internal static class HtmlText
{
    /// <summary>Writes <paramref name="text"/> encoded for element content or a double-quoted attribute value.</summary>
    public static void Write(TextWriter writer, string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        WebUtility.HtmlEncode(text, writer);
    }

    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? "" : WebUtility.HtmlEncode(text);

    /// <summary>A number for SVG coordinates: invariant, one decimal at most.</summary>
    public static string Num(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators: 1,000.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 instance", "1,000 instances".</summary>
    public static string Plural(long count, string singular, string? plural = null) => Count(count) + " " + (count == 1 ? singular : plural ?? singular + "s");

    /// <summary>Seconds as shown on the time axis and in tables: +1.25 s.</summary>
    public static string Seconds(double seconds)
    {
        double abs = Math.Abs(seconds);
        string format = abs >= 100 ? "0" : abs >= 10 ? "0.0" : "0.00";
        return (seconds < 0 ? "-" : "+") + abs.ToString(format, CultureInfo.InvariantCulture) + " s";
    }

    public static string Percent(double fraction) => (fraction * 100).ToString(fraction < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%";
}
