using System.Diagnostics;
using System.Runtime.CompilerServices;
using Heapmon.Model;

namespace Heapmon.Tracking;

/// <summary>
/// One snapshot, step by step: discovery finds new class instances, registration takes them on,
/// gathering collects the tracked objects alive, sizing measures them, recording keeps the result.
/// Each step is timed into <see cref="TrackerDiagnostics"/>.
/// </summary>
/// <remarks>
/// How the tracker is built: <see cref="ClassTracker"/> is the public facade (argument checks, locks);
/// <see cref="TrackerRegistry"/> registers objects and classes, <see cref="InstanceDiscovery"/> walks the
/// heap, <see cref="SnapshotSizing"/> sizes, <see cref="SnapshotRecorder"/> records, and this class runs
/// them in order. Two locks: the snapshot gate serialises snapshots and class walks, the bookkeeping
/// lock guards the registry and the recorder; the gate is always taken first. The heap walk and the
/// sizing run outside the bookkeeping lock, so the program's tracking calls never wait for them.
/// </remarks>
internal sealed class SnapshotPipeline
{
    private readonly Lock _snapshotGate;
    private readonly Lock _lock;
    private readonly TrackerRegistry _registry;
    private readonly InstanceDiscovery _discovery;
    private readonly SnapshotSizing _sizing;
    private readonly SnapshotRecorder _recorder;
    private readonly TrackerDiagnostics _diagnostics;

    public SnapshotPipeline(Lock snapshotGate, Lock trackerLock, TrackerRegistry registry, InstanceDiscovery discovery,
        SnapshotSizing sizing, SnapshotRecorder recorder, TrackerDiagnostics diagnostics)
    {
        _snapshotGate = snapshotGate;
        _lock = trackerLock;
        _registry = registry;
        _discovery = discovery;
        _sizing = sizing;
        _recorder = recorder;
        _diagnostics = diagnostics;
    }

    /// <summary>Takes one snapshot; <paramref name="periodic"/> ones may walk only the young generations and keep their buffers.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public Snapshot Take(string? description, bool computeTotal, bool periodic)
    {
        lock (_snapshotGate)
        {
            long started = Stopwatch.GetTimestamp();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try { return TakeLocked(description, computeTotal, periodic); }
            finally
            {
                _diagnostics.SnapshotTaken(Stopwatch.GetTimestamp() - started, GC.GetAllocatedBytesForCurrentThread() - allocated);
            }
        }
    }

    [MethodImpl(SnapshotCode.OncePerCall)]
    private Snapshot TakeLocked(string? description, bool computeTotal, bool periodic)
    {
        // Manual snapshots see every allocation made before them; periodic ones take what is sampled (no waiting).
        if (!periodic) _registry.Sites.FlushIfTraced();
        Type[] classes = ActiveClasses();

        long started = Stopwatch.GetTimestamp();
        IReadOnlyList<object>? found = _discovery.Find(classes, periodic);
        long? heapTotal = computeTotal ? _discovery.HeapTotal() : null;
        long discovered = Stopwatch.GetTimestamp();
        _diagnostics.PhaseDone(SnapshotPhase.Discovery, discovered - started);

        (LiveObjects live, DateTimeOffset timestamp) = RegisterAndGather(found, discovered);
        found = null; // the walk's strong references end here

        long gathered = Stopwatch.GetTimestamp();
        _sizing.Measure(live, keepBuffers: periodic);
        long sized = Stopwatch.GetTimestamp();
        _diagnostics.PhaseDone(SnapshotPhase.Sizing, sized - gathered);

        return Record(live, timestamp, description, heapTotal, sized);
    }

    [MethodImpl(SnapshotCode.OncePerCall)]
    private Type[] ActiveClasses()
    {
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            return _registry.Classes.ActiveTypes;
        }
    }

    /// <summary>Takes on the instances found and gathers every tracked object alive, at one timestamp.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private (LiveObjects Live, DateTimeOffset Timestamp) RegisterAndGather(IReadOnlyList<object>? found, long discovered)
    {
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            DateTimeOffset timestamp = DateTimeOffset.UtcNow;
            if (found is not null) _registry.Register(found, timestamp.UtcTicks);
            _registry.Sites.Refresh();
            long registered = Stopwatch.GetTimestamp();
            _diagnostics.PhaseDone(SnapshotPhase.Registration, registered - discovered);
            LiveObjects live = _sizing.Gather(_registry.Slots, _registry.Classes.LabelCount, timestamp.UtcTicks);
            _diagnostics.PhaseDone(SnapshotPhase.Gathering, Stopwatch.GetTimestamp() - registered);
            return (live, timestamp);
        }
    }

    [MethodImpl(SnapshotCode.OncePerCall)]
    private Snapshot Record(LiveObjects live, DateTimeOffset timestamp, string? description, long? heapTotal, long sized)
    {
        SnapshotRecorder.Counts counts = SnapshotRecorder.Tally(live);
        lock (_lock)
        {
            Snapshot snapshot = _recorder.Record(counts, timestamp, description, heapTotal, _registry.Classes);
            _diagnostics.PhaseDone(SnapshotPhase.Recording, Stopwatch.GetTimestamp() - sized);
            return snapshot;
        }
    }
}
