using System.Globalization;

namespace Heapmon.Allocations;

/// <summary>A task that takes snapshots and writes each to a file (tracemalloc: TakeSnapshotTask).</summary>
/// <param name="filenameTemplate">File name with <c>$pid</c>, <c>$timestamp</c> and <c>$counter</c> (4 digits, from 1) (tracemalloc: filename_template).</param>
/// <param name="traces">Keep traces in the snapshots (tracemalloc: traces).</param>
/// <param name="metrics">Record metrics (tracemalloc: metrics).</param>
/// <param name="callback">Called with each snapshot before it is written, e.g. to add metrics (tracemalloc: callback).</param>
public sealed class TakeSnapshotTask(string filenameTemplate = TakeSnapshotTask.DefaultTemplate, bool traces = false, bool metrics = true, Action<AllocationSnapshot>? callback = null)
    : AllocationTask
{
    /// <summary>The default template: <c>heapmon-alloc-$counter.json</c> in the current folder.</summary>
    public const string DefaultTemplate = "heapmon-alloc-$counter.json";

    private int _counter;

    /// <summary>The file name template.</summary>
    public string FilenameTemplate { get; set; } = string.IsNullOrEmpty(filenameTemplate) ? throw new ArgumentException("The template is empty.", nameof(filenameTemplate)) : filenameTemplate;

    /// <summary>Keep traces in the snapshots.</summary>
    public bool Traces { get; set; } = traces;

    /// <summary>Record metrics.</summary>
    public bool Metrics { get; set; } = metrics;

    /// <summary>Called with each snapshot before it is written.</summary>
    public Action<AllocationSnapshot>? Callback { get; set; } = callback;

    /// <summary>Takes a snapshot and writes it; returns it with the file name (tracemalloc: take_snapshot).</summary>
    public (AllocationSnapshot Snapshot, string FileName) TakeSnapshot()
    {
        AllocationSnapshot snapshot = AllocationSnapshot.Take(Traces, Metrics);
        Callback?.Invoke(snapshot);
        string fileName = FormatFileName(FilenameTemplate, Environment.ProcessId, snapshot.Timestamp, Interlocked.Increment(ref _counter));
        snapshot.Write(fileName);
        return (snapshot, fileName);
    }

    internal static string FormatFileName(string template, int pid, DateTimeOffset timestamp, int counter) => template
        .Replace("$pid", pid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("$timestamp", timestamp.ToString("yyyy-MM-dd-HH_mm_ss", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("$counter", counter.ToString("0000", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private protected override void Run() => TakeSnapshot();
}
