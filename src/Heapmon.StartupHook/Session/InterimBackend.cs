using System.Diagnostics;
using Heapmon.Tracking;

namespace Heapmon.StartupHook.Session;

/// <summary>
/// Interim backend until the ClassTracker lands: records process memory and GC figures per snapshot and
/// the tracked classes, without instance counts.
/// </summary>
internal sealed class InterimBackend : IProfilerBackend
{
    private readonly List<Snapshot> _snapshots = [];
    private readonly List<TrackedClassRecord> _classes = [];
    private readonly DateTimeOffset _started = DateTimeOffset.Now;

    private Timer? _periodic;

    public int SnapshotCount { get { lock (_snapshots) return _snapshots.Count; } }

    public void StartPeriodicSnapshots(TimeSpan interval) => _periodic = new Timer(_ => CreateSnapshot(null), null, interval, interval);

    public void StopPeriodicSnapshots() => _periodic?.Dispose();

    public void TrackClass(Type type, int resolutionLevel, bool trace) =>
        _classes.Add(new TrackedClassRecord(type.FullName!, resolutionLevel, trace, []));

    public void CreateSnapshot(string? description)
    {
        lock (_snapshots)
        {
        using Process self = Process.GetCurrentProcess();
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        var gc = new GcFigures(info.HeapSizeBytes, info.TotalCommittedBytes, info.FragmentedBytes, [],
            [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)], GC.GetTotalAllocatedBytes());
        _snapshots.Add(new Snapshot(_snapshots.Count, DateTimeOffset.Now, description,
            new ProcessMemory(self.WorkingSet64, self.VirtualMemorySize64), gc, 0, null, []));
        }
    }

    public TrackerData ToData() => new(
        new RunInfo(Process.GetCurrentProcess().ProcessName, Environment.ProcessId, Environment.CommandLine,
            Environment.Version.ToString(), "0.1.0", _started),
        Snapshots(), _classes.ToArray(), []);

    private Snapshot[] Snapshots() { lock (_snapshots) return _snapshots.ToArray(); }

    public void WriteGarbage(string path) => throw new NotSupportedException("--garbage needs the cycle finder (issue 9).");

    public void Dispose() { }
}
