using Heapmon.Allocations;
using Heapmon.Garbage;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.StartupHook.Session;

/// <summary>The session's calls, made on a <see cref="ClassTracker"/> exactly as a program using the library would.</summary>
internal sealed class LibraryBackend : IProfilerBackend
{
    private readonly ClassTracker _tracker = new();

    // Instances created between the assembly's load and the match are the program's too: include them.
    public void TrackClass(Type type, int resolutionLevel, bool trace) =>
        _tracker.TrackClass(type, resolutionLevel, trace, includeExisting: true);

    public Snapshot CreateSnapshot(string description) => _tracker.CreateSnapshot(description);

    public void StartPeriodicSnapshots(TimeSpan interval) => _tracker.StartPeriodicSnapshots(interval);

    public void StopPeriodicSnapshots() => _tracker.StopPeriodicSnapshots();

    public int SnapshotCount => _tracker.Snapshots.Count;

    public TrackerData ToData() => _tracker.ToData();

    public void StartAllocations(int tracebackLimit) => AllocationTracer.Start(tracebackLimit);

    public void WriteAllocations(string path) => AllocationSnapshot.Take(traces: AllocationTracer.TracebackLimit > 1).Write(path);

    public void PrintAllocations(TextWriter writer) =>
        new DisplayTop { Color = false }.DisplaySnapshot(AllocationSnapshot.Take(), count: 10, output: writer);

    /// <summary>
    /// Cycles among the instances of the tracked types (Heapmonitor: --garbage=leakgraph.txt): one walk per
    /// tracked type that has no tracked base type, with its subclasses; a cycle found twice is kept once.
    /// </summary>
    public void WriteGarbage(string path, IReadOnlyList<Type> trackedTypes)
    {
        var cycles = new List<ReferenceCycle>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int objects = 0;
        long references = 0;
        bool complete = true;
        foreach (Type type in trackedTypes.Where(t => !trackedTypes.Any(b => b != t && t.IsSubclassOf(b))))
        {
            CycleReport report = CycleFinder.FindAmongInstancesOf(type, includeSubclasses: true);
            objects += report.ObjectsExamined;
            references += report.ReferencesExamined;
            complete &= report.Complete;
            foreach (ReferenceCycle cycle in report.Cycles)
                if (seen.Add(string.Join(',', cycle.Objects.Select(o => o.Address).Order()))) cycles.Add(cycle);
        }
        GraphvizWriter.Write(path, new CycleReport(cycles, objects, references, complete));
    }

    public void Dispose()
    {
        _tracker.Dispose();
        if (AllocationTracer.IsTracing) AllocationTracer.Stop();
    }
}
