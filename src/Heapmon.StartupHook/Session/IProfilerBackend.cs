using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.StartupHook.Session;

/// <summary>
/// The one seam between a `heapmon run` session and the Heapmon library: what the session asks for,
/// in the library's terms (Pympler: track_class, create_snapshot).
/// The session owns when things happen (start, interval, signal, exit) and atomic file replacement.
/// </summary>
internal interface IProfilerBackend : IDisposable
{
    /// <summary>Tracks every instance of <paramref name="type"/> and its subclasses, those alive now included.</summary>
    void TrackClass(Type type, int resolutionLevel, bool trace);

    /// <summary>Takes a labelled snapshot of the tracked classes, process memory and GC figures.</summary>
    Snapshot CreateSnapshot(string description);

    /// <summary>Takes a snapshot every <paramref name="interval"/> in the background (Pympler: start_periodic_snapshots).</summary>
    void StartPeriodicSnapshots(TimeSpan interval);

    /// <summary>Stops periodic snapshots, waiting for one in progress.</summary>
    void StopPeriodicSnapshots();

    /// <summary>Number of snapshots taken so far.</summary>
    int SnapshotCount { get; }

    /// <summary>Everything recorded so far, as the plain data every renderer reads.</summary>
    TrackerData ToData();

    /// <summary>Starts the allocation tracer with <paramref name="tracebackLimit"/> frames per traceback (tracemalloc: start).</summary>
    void StartAllocations(int tracebackLimit);

    /// <summary>Writes an allocation snapshot to <paramref name="path"/> (tracemalloc: take_snapshot + dump).</summary>
    void WriteAllocations(string path);

    /// <summary>Prints the top allocation lines to <paramref name="writer"/> (tracemalloc: display_top).</summary>
    void PrintAllocations(TextWriter writer);

    /// <summary>Writes the reference cycles among tracked objects as Graphviz to <paramref name="path"/>, if supported.</summary>
    void WriteGarbage(string path, IReadOnlyList<Type> trackedTypes);
}
