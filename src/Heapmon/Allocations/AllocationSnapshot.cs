using Heapmon.Model;
using Heapmon.Sampling;

namespace Heapmon.Allocations;

/// <summary>
/// Sampled allocations at one moment: per-line statistics, optionally every trace, and metrics
/// (tracemalloc: Snapshot). Plain data: a snapshot loaded from a file behaves exactly like a live one.
/// </summary>
public sealed class AllocationSnapshot
{
    private readonly Dictionary<string, Metric> _metrics;

    internal AllocationSnapshot(DateTimeOffset timestamp, int processId, int tracebackLimit, IReadOnlyList<StatsRow> rows,
        IReadOnlyList<AllocationTrace>? traces, IEnumerable<Metric> metrics)
    {
        Timestamp = timestamp;
        ProcessId = processId;
        TracebackLimit = tracebackLimit;
        Rows = rows;
        Traces = traces;
        _metrics = metrics.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    /// <summary>Statistics of the most recent frame and type: one row per (file, line, type).</summary>
    internal readonly record struct StatsRow(string? FileName, int LineNumber, string TypeName, AllocationStats Stats);

    internal IReadOnlyList<StatsRow> Rows { get; }

    /// <summary>When the snapshot was taken (tracemalloc: Snapshot.timestamp).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The process that took it (tracemalloc: Snapshot.pid).</summary>
    public int ProcessId { get; }

    /// <summary>Frames kept per traceback when it was taken (tracemalloc: Snapshot.traceback_limit).</summary>
    public int TracebackLimit { get; }

    /// <summary>Every sampled allocation, or null when taken or loaded without traces (tracemalloc: Snapshot.traces).</summary>
    public IReadOnlyList<AllocationTrace>? Traces { get; }

    /// <summary>Number of samples behind the statistics.</summary>
    public int SampleCount => Rows.Sum(r => r.Stats.Samples);

    /// <summary>Metrics read when it was taken, by name (tracemalloc: Snapshot.metrics).</summary>
    public IReadOnlyDictionary<string, Metric> Metrics => _metrics;

    /// <summary>
    /// Takes a snapshot of the samples so far (tracemalloc: Snapshot.create); with <paramref name="traces"/>
    /// it keeps every sample and its traceback, with <paramref name="metrics"/> the process, GC and tracer metrics.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tracer was never started.</exception>
    public static AllocationSnapshot Take(bool traces = false, bool metrics = true)
    {
        if (!AllocationTracer.IsTracing && AllocationTracer.SampleCount == 0)
            throw new InvalidOperationException("The allocation tracer is not running: call AllocationTracer.Start() first.");
        bool complete = AllocationTracer.Flush();
        DateTimeOffset now = DateTimeOffset.Now;
        List<AllocationTrace> all = AllocationTracer.Samples.Export();
        var snapshot = new AllocationSnapshot(now, Environment.ProcessId, AllocationTracer.TracebackLimit, BuildRows(all), traces ? all : null, []);
        if (metrics) SnapshotMetrics.AddAll(snapshot, traces);
        // Said, not hidden: the session had not delivered every sample allocated before the snapshot.
        if (!complete) snapshot.AddMetric("tracer.incomplete", 1, MetricFormat.Int);
        return snapshot;
    }

    /// <summary>A snapshot of samples read from another process (<c>heapmon alloc --pid</c>, <c>heapmon run --alloc</c>), with the metrics given.</summary>
    internal static AllocationSnapshot FromSamples(SampleStore store, int processId, int tracebackLimit, bool traces, IEnumerable<Metric> metrics)
    {
        List<AllocationTrace> all = store.Export();
        return new AllocationSnapshot(DateTimeOffset.Now, processId, tracebackLimit, BuildRows(all), traces ? all : null, metrics);
    }

    /// <summary>Writes the snapshot atomically to <paramref name="path"/> (tracemalloc: Snapshot.write).</summary>
    public void Write(string path) => SnapshotFile.Write(this, path);

    /// <summary>Loads a snapshot file; without <paramref name="traces"/> the traces are skipped (tracemalloc: Snapshot.load).</summary>
    /// <exception cref="HeapmonFormatException">The file is missing, not a snapshot, truncated, corrupt or from a newer version.</exception>
    public static AllocationSnapshot Load(string path, bool traces = true) => SnapshotFile.Read(path, traces);

    /// <summary>
    /// A copy holding only the allocations the filters accept: any include filter must match and no
    /// exclude filter may (tracemalloc: Snapshot.apply_filters). Without traces, only the most recent frame is known.
    /// </summary>
    public AllocationSnapshot ApplyFilters(IEnumerable<Filter> filters)
    {
        Filter[] list = [.. filters];
        if (list.Length == 0) return this;
        if (Traces is not null)
        {
            List<AllocationTrace> kept = [.. Traces.Where(t => Filter.Accepts(list, t.Traceback))];
            return new AllocationSnapshot(Timestamp, ProcessId, TracebackLimit, BuildRows(kept), kept, _metrics.Values);
        }
        List<StatsRow> rows = [.. Rows.Where(r => Filter.Accepts(list, r.FileName is null ? [] : [new TraceFrame(r.FileName, r.LineNumber, "")]))];
        return new AllocationSnapshot(Timestamp, ProcessId, TracebackLimit, rows, null, _metrics.Values);
    }

    /// <summary>
    /// Groups the allocations (tracemalloc: Snapshot.top_by). <paramref name="cumulative"/> counts every frame
    /// of each traceback, not only the most recent; it needs traces and a traceback limit of 2 or more, and is
    /// ignored otherwise and for <see cref="GroupBy.Address"/> and <see cref="GroupBy.Type"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="GroupBy.Address"/> on a snapshot without traces.</exception>
    public GroupedStats TopBy(GroupBy groupBy, bool cumulative = false) => Grouping.TopBy(this, groupBy, cumulative);

    /// <summary>Adds a metric (tracemalloc: Snapshot.add_metric).</summary>
    /// <exception cref="ArgumentException">A metric of that name exists already.</exception>
    public Metric AddMetric(string name, double value, MetricFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var metric = new Metric(name, value, format);
        if (!_metrics.TryAdd(name, metric)) throw new ArgumentException($"The snapshot already has a metric named '{name}'.", nameof(name));
        return metric;
    }

    /// <summary>The metric called <paramref name="name"/>, or null (tracemalloc: Snapshot.get_metric).</summary>
    public Metric? GetMetric(string name) => _metrics.GetValueOrDefault(name);

    /// <summary>The newest trace sampled at <paramref name="address"/>, or null (tracemalloc: get_trace); needs traces.</summary>
    public AllocationTrace? GetTrace(long address)
    {
        if (Traces is null) throw new InvalidOperationException("This snapshot has no traces: take or load it with traces: true.");
        for (int i = Traces.Count - 1; i >= 0; i--)
            if (Traces[i].Address == address) return Traces[i];
        return null;
    }

    internal static List<StatsRow> BuildRows(IReadOnlyList<AllocationTrace> traces)
    {
        var builders = new Dictionary<(string?, int, string), AllocationStats.Builder>();
        foreach (AllocationTrace trace in traces)
        {
            TraceFrame? top = trace.Traceback.Count > 0 ? trace.Traceback[0] : null;
            var key = (top?.FileName, top?.LineNumber ?? 0, trace.TypeName);
            if (!builders.TryGetValue(key, out AllocationStats.Builder? builder)) builders[key] = builder = new();
            builder.Add(trace.Size);
        }
        return [.. builders.Select(p => new StatsRow(p.Key.Item1, p.Key.Item2, p.Key.Item3, p.Value.Build()))];
    }
}
