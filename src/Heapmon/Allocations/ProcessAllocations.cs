using System.Globalization;
using Heapmon.Model;
using Heapmon.Sampling;
using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Allocations;

/// <summary>
/// The allocation tracer run from outside (tracemalloc's snapshots, dotnet-trace's way of recording): the
/// target's runtime writes the sampled allocations, this process reads and resolves them, and snapshots are
/// taken here, in the same format as <see cref="AllocationSnapshot.Take"/>. The target runs no Heapmon code for it.
/// </summary>
internal sealed class ProcessAllocations : IDisposable
{
    private readonly ProcessSampler _sampler;
    private readonly int _tracebackLimit;
    private readonly int _knownPid;

    private ProcessAllocations(ProcessSampler sampler, int tracebackLimit, int knownPid)
    {
        _sampler = sampler;
        _tracebackLimit = tracebackLimit;
        _knownPid = knownPid;
    }

    /// <summary>Starts sampling a running process; <paramref name="root"/> reaches its files (its PDBs) from here.</summary>
    public static ProcessAllocations Attach(int pid, int tracebackLimit, string root = "") =>
        new(ProcessSampler.Attach(pid, Settings(tracebackLimit), root), tracebackLimit, pid);

    /// <summary>Starts sampling a process paused at startup on its diagnostic port; resume it afterwards.</summary>
    public static ProcessAllocations AtStartup(DiagnosticsClient client, int tracebackLimit) =>
        new(ProcessSampler.AtStartup(client, Settings(tracebackLimit)), tracebackLimit, 0);

    /// <summary>The process sampled.</summary>
    public int ProcessId => _sampler.ProcessId != 0 ? _sampler.ProcessId : _knownPid;

    /// <summary>True once the process has exited (or the session stopped) and every sample has been read.</summary>
    public bool HasEnded => _sampler.HasEnded;

    /// <summary>Why reading stopped early, if it did.</summary>
    public Exception? ReaderFailure => _sampler.ReaderFailure;

    /// <summary>Waits up to <paramref name="timeout"/> for the process's stream to end.</summary>
    public bool WaitForEnd(TimeSpan timeout) => _sampler.WaitForEnd(timeout);

    /// <summary>Ends the session and reads the last samples; the process goes on.</summary>
    public void Stop() => _sampler.Stop();

    /// <summary>
    /// A snapshot of everything sampled so far (tracemalloc: take_snapshot), with every sample and its
    /// traceback when <paramref name="traces"/>, and the session's metrics: samples, traced bytes, the GCs
    /// the process ran meanwhile, its memory while it runs, events lost if its buffer overflowed.
    /// </summary>
    public AllocationSnapshot Snapshot(bool traces)
    {
        SampleStore store = _sampler.Store;
        var metrics = new List<Metric>
        {
            new("tracer.traced.size", (long)store.EstimatedBytes, MetricFormat.Size),
            new("tracer.traced.max_size", (long)store.PeakBytes, MetricFormat.Size),
            new("tracer.samples", store.Count, MetricFormat.Int),
        };
        IReadOnlyList<int> gcs = _sampler.GcCounts;
        for (int gen = 0; gen < gcs.Count; gen++) metrics.Add(new($"gc.gen{gen}.collections", gcs[gen], MetricFormat.Int));
        // Said, not hidden: what was left out as Heapmon's own work, and what the runtime dropped.
        metrics.Add(new("tracer.own_samples", _sampler.OwnSamples, MetricFormat.Int));
        if (_sampler.LostEvents > 0) metrics.Add(new("tracer.lost_events", _sampler.LostEvents, MetricFormat.Int));
        if (!HasEnded) metrics.AddRange(MemoryOf(ProcessId));
        AllocationSnapshot snapshot = AllocationSnapshot.FromSamples(store, ProcessId, _tracebackLimit, traces, metrics);
        if (traces) snapshot.AddMetric("tracer.traces", snapshot.Traces?.Count ?? 0, MetricFormat.Int);
        return snapshot;
    }

    public void Dispose() => _sampler.Dispose();

    private static SamplerSettings Settings(int tracebackLimit)
    {
        if (tracebackLimit < 1) throw new ArgumentOutOfRangeException(nameof(tracebackLimit), tracebackLimit, "The traceback limit must be at least 1.");
        return new SamplerSettings(tracebackLimit, IncludeRuntimeFrames: false, BufferSizeMB: AllocationTracerOptions.Default.BufferSizeMB);
    }

    /// <summary>The process's resident and virtual size from /proc, while it runs (none elsewhere or once gone).</summary>
    private static IEnumerable<Metric> MemoryOf(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var metrics = new List<Metric>();
        foreach ((string key, string name) in new[] { ("VmRSS:", "process_memory.rss"), ("VmSize:", "process_memory.vms") })
        {
            string? line = lines.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            string[] parts = line?[key.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb)) metrics.Add(new(name, kb * 1024, MetricFormat.Size));
        }
        return metrics;
    }
}
