using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Heapmon.Metrics;

namespace Heapmon.Cli.Monitor;

/// <summary>
/// The Heapmon meter of this (heapmon) process in Prometheus's text exposition format, read by a MeterListener
/// at each scrape. Names follow OpenTelemetry's Prometheus mapping: dots become underscores, the unit becomes a
/// suffix (<c>By</c> → <c>_bytes</c>, <c>s</c> → <c>_seconds</c>, <c>{instance}</c> → none), counters end in
/// <c>_total</c>, histograms give <c>_bucket</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal sealed class PrometheusText : IDisposable
{
    /// <summary>Histogram bucket bounds in seconds (snapshots take milliseconds to seconds).</summary>
    private static readonly double[] s_bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _gate = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, bool> _instruments = new();
    private readonly Dictionary<Instrument, Histogram> _histograms = [];
    private readonly List<(Instrument Instrument, double Value, string? Class)> _observed = [];

    public PrometheusText()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != HeapmonMeter.Name) return;
            _instruments[instrument] = true;
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Measured(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Measured(i, v, tags));
        _listener.Start();
    }

    /// <summary>Every Heapmon instrument's values now, as one text exposition.</summary>
    public string Render()
    {
        lock (_gate)
        {
            _observed.Clear();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (Instrument instrument in _instruments.Keys.OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                string name = NameOf(instrument);
                if (_histograms.TryGetValue(instrument, out Histogram? histogram) || instrument is Histogram<double>)
                    WriteHistogram(text, instrument, name, histogram ?? new Histogram());
                else
                    WriteSamples(text, instrument, name);
            }
            return text.ToString();
        }
    }

    /// <summary>The Prometheus name of an instrument: <c>heapmon.tracked.size</c> in <c>By</c> is <c>heapmon_tracked_size_bytes</c>.</summary>
    public static string NameOf(Instrument instrument)
    {
        string name = instrument.Name.Replace('.', '_');
        string suffix = instrument.Unit switch
        {
            "By" => "_bytes",
            "s" => "_seconds",
            "By/s" => "_bytes_per_second",
            _ => "",
        };
        if (!name.EndsWith(suffix, StringComparison.Ordinal)) name += suffix;
        return instrument is ObservableCounter<double> or ObservableCounter<long> or Counter<double> or Counter<long> ? name + "_total" : name;
    }

    private void WriteSamples(StringBuilder text, Instrument instrument, string name)
    {
        var samples = _observed.Where(o => o.Instrument == instrument).ToList();
        if (samples.Count == 0) return;
        string type = name.EndsWith("_total", StringComparison.Ordinal) ? "counter" : "gauge";
        Header(text, instrument, name, type);
        foreach ((_, double value, string? className) in samples)
            text.Append(name).Append(Labels(className)).Append(' ').Append(Number(value)).Append('\n');
    }

    private static void WriteHistogram(StringBuilder text, Instrument instrument, string name, Histogram histogram)
    {
        Header(text, instrument, name, "histogram");
        long cumulative = 0;
        for (int b = 0; b < s_bounds.Length; b++)
        {
            cumulative += histogram.Counts[b];
            text.Append(name).Append("_bucket{le=\"").Append(Number(s_bounds[b])).Append("\"} ").Append(cumulative).Append('\n');
        }
        text.Append(name).Append("_bucket{le=\"+Inf\"} ").Append(histogram.Count).Append('\n');
        text.Append(name).Append("_sum ").Append(Number(histogram.Sum)).Append('\n');
        text.Append(name).Append("_count ").Append(histogram.Count).Append('\n');
    }

    private static void Header(StringBuilder text, Instrument instrument, string name, string type)
    {
        if (instrument.Description is { Length: > 0 } help) text.Append("# HELP ").Append(name).Append(' ').Append(Escape(help, label: false)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private void Measured(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? className = null;
        foreach (KeyValuePair<string, object?> tag in tags)
            if (tag.Key == HeapmonMeter.ClassTag) className = tag.Value as string;
        lock (_gate)
        {
            if (instrument is Histogram<double>)
            {
                if (!_histograms.TryGetValue(instrument, out Histogram? histogram)) _histograms[instrument] = histogram = new Histogram();
                histogram.Add(value);
            }
            else _observed.Add((instrument, value, className));
        }
    }

    private static string Labels(string? className) => className is null ? "" : $"{{{HeapmonMeter.ClassTag}=\"{Escape(className, label: true)}\"}}";

    private static string Escape(string text, bool label)
    {
        string escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return label ? escaped.Replace("\"", "\\\"", StringComparison.Ordinal) : escaped;
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    /// <summary>A cumulative histogram over <see cref="s_bounds"/>.</summary>
    private sealed class Histogram
    {
        public long[] Counts { get; } = new long[s_bounds.Length];

        public long Count { get; private set; }

        public double Sum { get; private set; }

        public void Add(double value)
        {
            int bucket = Array.FindIndex(s_bounds, b => value <= b);
            if (bucket >= 0) Counts[bucket]++;
            Count++;
            Sum += value;
        }
    }
}
