using System.Diagnostics;
using System.Diagnostics.Metrics;
using Heapmon.Model;
using Heapmon.Sampling;

namespace Heapmon.Metrics;

/// <summary>Which figure of a rate's estimate a gauge reports.</summary>
internal enum RateBound
{
    Value,
    Low,
    High,
}

/// <summary>
/// Allocation rates by type from the allocation sampler's samples, while it runs: each collection folds the
/// samples taken since the last into running totals per type (bytes ≈ Σ size/π and their Horvitz–Thompson
/// variance), and the rate is the growth of those totals over the last <see cref="HeapmonMeter.RateWindowSeconds"/>
/// seconds, with its 95% interval. The first collection of a session has nothing to compare with: rates come from the second on.
/// </summary>
internal sealed class AllocationRates(Func<long> clock)
{
    private static readonly long s_pointSpacing = Stopwatch.Frequency;          // one remembered point a second at most
    private static readonly long s_cacheLife = Stopwatch.Frequency / 20;        // the three gauges of one collection agree

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Sum> _totals = new(StringComparer.Ordinal);
    private readonly List<(long Ticks, Dictionary<string, Sum> Totals)> _points = [];
    private long _session;
    private SampleMark _mark;
    private long? _cacheTicks;
    private Rate[] _cache = [];

    /// <summary>The process's rates, read by the meter.</summary>
    public static AllocationRates Shared { get; } = new(Stopwatch.GetTimestamp);

    /// <summary>One type's rate in bytes per second, with its 95% interval.</summary>
    public readonly record struct Rate(string TypeName, Estimate BytesPerSecond);

    private readonly record struct Sum(double Bytes, double Variance)
    {
        public static Sum operator +(Sum a, Sum b) => new(a.Bytes + b.Bytes, a.Variance + b.Variance);
    }

    /// <summary>The gauge's measurements: one per type (capped, with "other"), nothing while the tracer is off.</summary>
    public IEnumerable<Measurement<double>> Observe(RateBound bound) =>
        Rates().Select(r => new Measurement<double>(
            bound switch { RateBound.Low => r.BytesPerSecond.Low, RateBound.High => r.BytesPerSecond.High, _ => r.BytesPerSecond.Value },
            new KeyValuePair<string, object?>(HeapmonMeter.ClassTag, r.TypeName)));

    /// <summary>The rates now: folds the new samples in first.</summary>
    public Rate[] Rates()
    {
        lock (_gate)
        {
            long now = clock();
            if (now - _cacheTicks < s_cacheLife) return _cache;  // null (no cache yet) compares false
            long session = AllocationSampler.RunningSession;
            if (session != _session) Restart(session);
            if (session == 0) return [];
            Fold();
            _cacheTicks = now;
            return _cache = Compute(now);
        }
    }

    private void Restart(long session)
    {
        _session = session;
        _totals.Clear();
        _points.Clear();
        _mark = new SampleMark(-1, 0);
    }

    /// <summary>Adds the samples taken since the last fold to the totals (a cleared store is read from its start).</summary>
    private void Fold()
    {
        SampleStore store = AllocationSampler.Store;
        SampleMark before = store.Mark();
        List<AllocationTrace> traces = store.Export(from: _mark);
        _mark = before.Epoch == _mark.Epoch ? _mark with { Index = _mark.Index + traces.Count } : new SampleMark(before.Epoch, traces.Count);
        foreach (AllocationTrace trace in traces)
        {
            var sample = new Sum(trace.EstimatedSize, SamplingMath.CountVariance(trace.Size) * trace.Size * trace.Size);
            _totals[trace.TypeName] = _totals.GetValueOrDefault(trace.TypeName) + sample;
        }
    }

    private Rate[] Compute(long now)
    {
        if (_points.Count == 0 || now - _points[^1].Ticks >= s_pointSpacing)
            _points.Add((now, new Dictionary<string, Sum>(_totals, StringComparer.Ordinal)));
        long windowStart = now - HeapmonMeter.RateWindowSeconds * Stopwatch.Frequency;
        int baseIndex = _points.FindLastIndex(p => p.Ticks <= windowStart);
        if (baseIndex > 0) _points.RemoveRange(0, baseIndex);
        (long baseTicks, Dictionary<string, Sum> baseTotals) = _points[0];
        if (now <= baseTicks) return [];
        double seconds = (double)(now - baseTicks) / Stopwatch.Frequency;

        var grown = new List<(string Type, Sum Sum)>();
        foreach ((string type, Sum total) in _totals)
        {
            Sum before = baseTotals.GetValueOrDefault(type);
            if (total.Bytes > before.Bytes) grown.Add((type, new Sum(total.Bytes - before.Bytes, total.Variance - before.Variance)));
        }
        grown.Sort((a, b) => b.Sum.Bytes.CompareTo(a.Sum.Bytes));
        if (grown.Count > HeapmonMeter.MaxClasses)
        {
            Sum other = default;
            for (int i = HeapmonMeter.MaxClasses - 1; i < grown.Count; i++) other += grown[i].Sum;
            grown.RemoveRange(HeapmonMeter.MaxClasses - 1, grown.Count - HeapmonMeter.MaxClasses + 1);
            grown.Add((HeapmonMeter.OtherClass, other));
        }
        return [.. grown.Select(g => new Rate(g.Type, PerSecond(SamplingMath.Interval(g.Sum.Bytes, Math.Max(0, g.Sum.Variance)), seconds)))];
    }

    private static Estimate PerSecond(Estimate e, double seconds) => new(e.Value / seconds, e.Low / seconds, e.High / seconds);
}
