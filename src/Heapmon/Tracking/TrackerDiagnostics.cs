using System.Diagnostics;

namespace Heapmon.Tracking;

/// <summary>The steps of one snapshot, in order, as <see cref="TrackerDiagnostics.PhaseTimes"/> reports them.</summary>
internal enum SnapshotPhase
{
    Discovery,
    Registration,
    Gathering,
    Sizing,
    Recording,
}

/// <summary>
/// What a tracker's own work cost and how it went, for the benchmark and the tests: time and bytes
/// of snapshots by phase, class discoveries by kind, failures, and the memory its bookkeeping keeps.
/// </summary>
/// <remarks>
/// Snapshot counters are written only under the tracker's snapshot gate and read without it (a
/// benchmark reads them between runs); periodic failures come from the periodic thread.
/// </remarks>
internal sealed class TrackerDiagnostics
{
    private readonly Lock _lock;
    private readonly TrackerRegistry _registry;
    private readonly SnapshotRecorder _recorder;
    private readonly long[] _phaseTicks = new long[Enum.GetValues<SnapshotPhase>().Length];
    private long _snapshotTicks;
    private long _snapshotBytes;
    private int _youngWalks;
    private int _fullWalks;
    private int _skippedWalks;
    private int _deferredWalks;
    private int _discoveryFailures;
    private int _periodicFailures;
    private Exception? _lastPeriodicError;

    /// <summary>Figures of the tracker whose parts these are; <paramref name="trackerLock"/> guards the slots and the samples.</summary>
    public TrackerDiagnostics(Lock trackerLock, TrackerRegistry registry, SnapshotRecorder recorder)
    {
        _lock = trackerLock;
        _registry = registry;
        _recorder = recorder;
    }

    /// <summary>Wall time spent taking snapshots so far (for the benchmark's CPU share).</summary>
    public TimeSpan SnapshotTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _snapshotTicks));

    /// <summary>Bytes the snapshots have allocated so far (for the benchmark: what they add to the program's GCs).</summary>
    public long SnapshotBytes => Volatile.Read(ref _snapshotBytes);

    /// <summary>Time spent so far in each <see cref="SnapshotPhase"/> of snapshots: discovery, registration, gathering, sizing, recording.</summary>
    public TimeSpan[] PhaseTimes => [.. _phaseTicks.Select(t => Stopwatch.GetElapsedTime(0, t))];

    /// <summary>Class discoveries by kind: young generations only, the whole heap, or skipped because nothing was allocated.</summary>
    public (int Young, int Full, int Skipped) Walks => (_youngWalks, _fullWalks, _skippedWalks);

    /// <summary>Periodic discoveries that walked only the young generations because a full walk would have cost more than its share.</summary>
    public int DeferredWalks => _deferredWalks;

    /// <summary>Snapshots whose class discovery could not get a consistent view of the heap (they went on without new instances).</summary>
    public int DiscoveryFailures => _discoveryFailures;

    /// <summary>Periodic snapshots that failed (and were skipped, never thrown into the program), over every run of them.</summary>
    public int PeriodicFailures => Volatile.Read(ref _periodicFailures);

    /// <summary>The last periodic snapshot's failure, for diagnosis.</summary>
    public Exception? LastPeriodicError => Volatile.Read(ref _lastPeriodicError);

    /// <summary>Managed bytes of the per-object bookkeeping (columns and identity index).</summary>
    public long BookkeepingBytes
    {
        get { lock (_lock) return _registry.Slots.BookkeepingBytes; }
    }

    /// <summary>Bytes the snapshots' samples keep (bitmaps and runs).</summary>
    public long SampleBytes
    {
        get { lock (_lock) return _recorder.SampleBytes; }
    }

    /// <summary>Slots ever allocated (objects ever tracked, alive or not).</summary>
    public int SlotCount => _registry.Slots.Count;

    public void SnapshotTaken(long ticks, long bytes)
    {
        _snapshotTicks += ticks;
        _snapshotBytes += bytes;
    }

    public void PhaseDone(SnapshotPhase phase, long ticks) => _phaseTicks[(int)phase] += ticks;

    public void YoungWalk() => _youngWalks++;

    public void FullWalk() => _fullWalks++;

    public void SkippedWalk() => _skippedWalks++;

    public void DeferredWalk() => _deferredWalks++;

    public void DiscoveryFailed() => _discoveryFailures++;

    public void PeriodicFailed(Exception error)
    {
        Volatile.Write(ref _lastPeriodicError, error);
        Interlocked.Increment(ref _periodicFailures);
    }
}
