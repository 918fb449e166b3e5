using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Heapmon.Metrics;

namespace Heapmon.Tests.Metrics;

/// <summary>A MeterListener on the Heapmon meter, as OpenTelemetry or dotnet-counters would run one: what each instrument reported, by class tag.</summary>
internal sealed class MeterReadings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Class)> _seen = new();

    public MeterReadings()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HeapmonMeter.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _listener.Start();
    }

    /// <summary>Every measurement so far, oldest first.</summary>
    public IReadOnlyList<(string Instrument, double Value, string? Class)> All => [.. _seen];

    /// <summary>Asks the observable instruments for their values now (a collection).</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    /// <summary>The values <paramref name="instrument"/> reported for <paramref name="className"/>, oldest first.</summary>
    public double[] Of(string instrument, string? className = null) =>
        [.. _seen.Where(m => m.Instrument == instrument && m.Class == className).Select(m => m.Value)];

    /// <summary>Forgets what was seen.</summary>
    public void Clear() => _seen.Clear();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? className = null;
        foreach (KeyValuePair<string, object?> tag in tags)
            if (tag.Key == HeapmonMeter.ClassTag) className = (string?)tag.Value;
        _seen.Enqueue((instrument.Name, value, className));
    }

    public void Dispose() => _listener.Dispose();
}
