using System.Globalization;

namespace Heapmon;

/// <summary>Byte counts in human units (B, KiB, MiB, GiB, TiB), in the two layouts Pympler and tracemalloc print.</summary>
public static class ByteUnits
{
    private static readonly string[] s_units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>
    /// Fixed-width, column-aligned form for tables (Pympler: pp): <c>"    344   B"</c>,
    /// <c>"   4.75 KiB"</c>, always 11 characters for values under 10,000 TiB.
    /// </summary>
    public static string Aligned(long bytes)
    {
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < s_units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes,7}   B")
            : string.Create(CultureInfo.InvariantCulture, $"{value,7:F2} {s_units[unit],3}");
    }

    /// <summary>
    /// Compact form for running text (tracemalloc: _format_size): <c>"576 B"</c>, <c>"7.5 KiB"</c>,
    /// <c>"93 MiB"</c>; with <paramref name="sign"/>, a leading + or -.
    /// </summary>
    public static string Compact(double bytes, bool sign = false)
    {
        string plus = sign ? "+" : "";
        double value = bytes;
        for (int unit = 0; ; unit++)
        {
            bool last = unit == 4; // TiB is the largest unit tracemalloc prints
            if (Math.Abs(value) < 100 && unit != 0)
                return string.Create(CultureInfo.InvariantCulture, $"{value.ToString(plus + "0.0;-0.0;" + plus + "0.0", CultureInfo.InvariantCulture)} {s_units[unit]}");
            if (Math.Abs(value) < 10 * 1024 || last)
                return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(value).ToString(plus + "0;-0;" + plus + "0", CultureInfo.InvariantCulture)} {s_units[unit]}");
            value /= 1024;
        }
    }
}
