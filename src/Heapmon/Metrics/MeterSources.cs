using System.Diagnostics.Metrics;
using Heapmon.Model;

namespace Heapmon.Metrics;

/// <summary>
/// The publishers the meter's gauges read: each <see cref="TrackerMetrics"/> registers here, weakly (a tracker
/// dropped without Dispose stops being reported when it is collected). Totals that must only grow (CPU time)
/// are kept here, process-wide, so they never step back when a tracker goes.
/// </summary>
internal static class MeterSources
{
    private static readonly Lock s_gate = new();
    private static readonly List<WeakReference<TrackerMetrics>> s_sources = [];
    private static long s_cpuNanoseconds;

    public static double CpuSeconds => Interlocked.Read(ref s_cpuNanoseconds) / 1e9;

    public static void Add(TrackerMetrics source)
    {
        lock (s_gate) s_sources.Add(new WeakReference<TrackerMetrics>(source));
    }

    public static void Remove(TrackerMetrics source)
    {
        lock (s_gate) s_sources.RemoveAll(w => !w.TryGetTarget(out TrackerMetrics? t) || t == source);
    }

    public static void AddCpu(TimeSpan cpu) => Interlocked.Add(ref s_cpuNanoseconds, cpu.Ticks * 100);

    public static IEnumerable<Measurement<long>> Instances() => Measure(static row => row.Active);

    public static IEnumerable<Measurement<long>> Sizes() => Measure(static row => row.Total);

    private static Measurement<long>[] Measure(Func<ClassSeries.Row, long> value)
    {
        ClassSeries.Row[] rows = ClassSeries.Cap(Latest(), HeapmonMeter.MaxClasses);
        var measurements = new Measurement<long>[rows.Length];
        for (int i = 0; i < rows.Length; i++)
            measurements[i] = new Measurement<long>(value(rows[i]), new KeyValuePair<string, object?>(HeapmonMeter.ClassTag, rows[i].ClassName));
        return measurements;
    }

    /// <summary>The latest snapshot of every live publisher, oldest first (a newer one's figures for a class win).</summary>
    private static IEnumerable<Snapshot> Latest()
    {
        var snapshots = new List<Snapshot>();
        lock (s_gate)
        {
            s_sources.RemoveAll(w => !w.TryGetTarget(out _));
            foreach (WeakReference<TrackerMetrics> source in s_sources)
                if (source.TryGetTarget(out TrackerMetrics? target) && target.Latest is { } latest) snapshots.Add(latest);
        }
        return snapshots.OrderBy(s => s.Timestamp);
    }
}
