using System.Globalization;

namespace Heapmon.Stats;

/// <summary>"Nice" axis ticks in 1, 2, 2.5, 5 steps: of counts, of seconds, and of bytes in the largest fitting unit (KiB, MiB, …).</summary>
internal static class ChartScale
{
    private static readonly string[] s_byteUnitNames = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>Ticks from 0 to at least <paramref name="max"/>, about <paramref name="count"/> of them; the last tick is the axis top.</summary>
    public static (double Top, List<(double Value, string Label)> Ticks) Bytes(double max, int count = 5)
    {
        if (max <= 0) max = 1;
        int unit = 0;
        double scale = 1;
        while (max / scale >= 1024 && unit < s_byteUnitNames.Length - 1)
        {
            scale *= 1024;
            unit++;
        }
        double step = NiceStep(max / scale / count) * scale;
        if (unit == 0) step = Math.Max(1, Math.Ceiling(step));
        var ticks = new List<(double, string)>();
        double top = Math.Ceiling(max / step - 1e-9) * step;
        for (double v = 0; v <= top + step / 2; v += step)
            ticks.Add((v, (v / scale).ToString("0.##", CultureInfo.InvariantCulture) + " " + s_byteUnitNames[unit]));
        return (top, ticks);
    }

    /// <summary>Ticks for a count or seconds axis from 0.</summary>
    public static (double Top, List<(double Value, string Label)> Ticks) Plain(double max, int count, Func<double, string> label, bool integer)
    {
        if (max <= 0) max = 1;
        double step = NiceStep(max / count);
        if (integer) step = Math.Max(1, Math.Ceiling(step));
        double top = Math.Ceiling(max / step - 1e-9) * step;
        var ticks = new List<(double, string)>();
        for (double v = 0; v <= top + step / 2; v += step) ticks.Add((v, label(v)));
        return (top, ticks);
    }

    /// <summary>Ticks inside [<paramref name="min"/>, <paramref name="max"/>] for the time axis.</summary>
    public static List<double> Within(double min, double max, int count)
    {
        var result = new List<double>();
        if (!(max > min)) return result;
        double step = NiceStep((max - min) / count);
        for (double v = Math.Ceiling(min / step) * step; v <= max + step * 1e-9; v += step) result.Add(v);
        return result;
    }

    private static double NiceStep(double raw)
    {
        if (raw <= 0 || double.IsNaN(raw)) return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / magnitude;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * magnitude;
    }
}
