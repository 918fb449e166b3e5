using Heapmon.Tracking;

namespace Heapmon.StartupHook.Session;

/// <summary>The session's calls, made on a <see cref="ClassTracker"/> exactly as a program using the library would.</summary>
internal sealed class LibraryBackend : IProfilerBackend
{
    private readonly ClassTracker _tracker = new();

    // Instances created between the assembly's load and the match are the program's too: include them.
    public void TrackClass(Type type, int resolutionLevel, bool trace) =>
        _tracker.TrackClass(type, resolutionLevel, trace, includeExisting: true);

    public void CreateSnapshot(string description) => _tracker.CreateSnapshot(description);

    public void StartPeriodicSnapshots(TimeSpan interval) => _tracker.StartPeriodicSnapshots(interval);

    public void StopPeriodicSnapshots() => _tracker.StopPeriodicSnapshots();

    public int SnapshotCount => _tracker.Snapshots.Count;

    public TrackerData ToData() => _tracker.ToData();

    public void WriteGarbage(string path) => throw new NotSupportedException("--garbage needs the cycle finder (issue 9), which this build does not have yet.");

    public void Dispose() => _tracker.Dispose();
}
