using System.Diagnostics;

namespace Heapmon.Tracking;

/// <summary>
/// The background thread of <see cref="ClassTracker.StartPeriodicSnapshots"/>: one snapshot per
/// interval, never two at once (a slow snapshot delays the next instead of piling up), and a
/// failing snapshot is counted and skipped, never thrown into the program.
/// </summary>
internal sealed class PeriodicSnapshots
{
    private readonly ClassTracker _tracker;
    private readonly TimeSpan _interval;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private int _failures;

    private PeriodicSnapshots(ClassTracker tracker, TimeSpan interval)
    {
        _tracker = tracker;
        _interval = interval;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Heapmon periodic snapshots" };
    }

    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Whether the calling thread is a periodic-snapshot thread, where only the tracker's own code runs.</summary>
    public static bool OnSnapshotThread => t_snapshotThread;

    [ThreadStatic]
    private static bool t_snapshotThread;

    /// <summary>The last failure, for diagnosis.</summary>
    public Exception? LastError { get; private set; }

    public static PeriodicSnapshots Start(ClassTracker tracker, TimeSpan interval)
    {
        var periodic = new PeriodicSnapshots(tracker, interval);
        periodic._thread.Start();
        return periodic;
    }

    /// <summary>Stops the thread and waits for a snapshot in progress (unless called from that thread).</summary>
    public void Stop()
    {
        _stop.Set();
        if (Thread.CurrentThread != _thread) _thread.Join();
    }

    private void Loop()
    {
        t_snapshotThread = true;
        long next = Stopwatch.GetTimestamp();
        while (true)
        {
            next += (long)(_interval.TotalSeconds * Stopwatch.Frequency);
            long now = Stopwatch.GetTimestamp();
            if (next < now) next = now; // behind schedule: start the next one at once, do not catch up
            if (_stop.Wait(TimeSpan.FromSeconds((double)(next - now) / Stopwatch.Frequency))) return;
            try
            {
                _tracker.TakeSnapshot(null, computeTotal: false, periodic: true);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                LastError = e;
                Interlocked.Increment(ref _failures);
            }
        }
    }
}
