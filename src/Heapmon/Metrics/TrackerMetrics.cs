using Heapmon.Model;

namespace Heapmon.Metrics;

/// <summary>
/// One source of snapshots as the <see cref="HeapmonMeter"/> reports it: every <c>ClassTracker</c> has one
/// and publishes each snapshot it takes; <c>heapmon monitor</c> makes one for the process it watches and
/// publishes the snapshots taken there. The gauges report the latest snapshot's classes until disposed.
/// </summary>
public sealed class TrackerMetrics : IDisposable
{
    private const int Recent = 64;
    private readonly Lock _gate = new();
    private readonly double[] _durations = new double[Recent]; // seconds, a ring indexed by publication number
    private long _published;
    private double _cpuSeconds;
    private Snapshot? _latest;
    private bool _disposed;

    /// <summary>Registers a source with the meter; it reports nothing until the first <see cref="Publish"/>.</summary>
    public TrackerMetrics()
    {
        HeapmonMeter.EnsureCreated();
        MeterSources.Add(this);
    }

    /// <summary>The snapshot the gauges report, if any.</summary>
    public Snapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>Reports a snapshot that took <paramref name="duration"/> and <paramref name="cpuTime"/> of CPU: its classes replace the previous one's.</summary>
    public void Publish(Snapshot snapshot, TimeSpan duration, TimeSpan cpuTime)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (Volatile.Read(ref _disposed)) return;
        Volatile.Write(ref _latest, snapshot);
        lock (_gate)
        {
            _durations[_published++ % Recent] = duration.TotalSeconds;
            _cpuSeconds += cpuTime.TotalSeconds;
        }
        if (cpuTime > TimeSpan.Zero) MeterSources.AddCpu(cpuTime);
        if (HeapmonMeter.Durations.Enabled) HeapmonMeter.Durations.Record(duration.TotalSeconds);
    }

    /// <summary>
    /// What this source published after its <paramref name="after"/>-th snapshot (the durations of the last 64 at most),
    /// with its count and CPU time so far: what the agent sends <c>heapmon monitor</c>, which publishes it again.
    /// </summary>
    internal (long Published, double CpuSeconds, double[] Durations) Since(long after)
    {
        lock (_gate)
        {
            long first = Math.Max(Math.Max(after, 0), _published - Recent);
            var durations = new double[Math.Max(0, _published - first)];
            for (long n = first; n < _published; n++) durations[n - first] = _durations[n % Recent];
            return (_published, _cpuSeconds, durations);
        }
    }

    /// <summary>Stops reporting any class (after a tracker's Clear).</summary>
    public void Clear() => Volatile.Write(ref _latest, null);

    /// <summary>Stops reporting this source's classes; its CPU time stays counted.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        Clear();
        MeterSources.Remove(this);
    }
}
