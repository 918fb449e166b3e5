using System.Diagnostics;

namespace Heapmon.Tracking;

/// <summary>
/// The background thread of <see cref="ClassTracker.StartPeriodicSnapshots"/>: one snapshot per
/// interval, never two at once (a slow snapshot delays the next instead of piling up), and a
/// failing snapshot is counted and skipped, never thrown into the program.
/// </summary>
internal sealed class PeriodicSnapshots
{
    private const int SnapshotNice = 10;

    [ThreadStatic]
    private static bool s_onSnapshotThread;

    private readonly SnapshotPipeline _pipeline;
    private readonly TrackerDiagnostics _diagnostics;
    private readonly TimeSpan _interval;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    private PeriodicSnapshots(SnapshotPipeline pipeline, TrackerDiagnostics diagnostics, TimeSpan interval)
    {
        _pipeline = pipeline;
        _diagnostics = diagnostics;
        _interval = interval;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Heapmon periodic snapshots" };
    }

    /// <summary>Whether the calling thread is a periodic-snapshot thread, where only the tracker's own code runs.</summary>
    public static bool OnSnapshotThread => s_onSnapshotThread;

    /// <summary>Starts the thread; failures are counted in <paramref name="diagnostics"/>.</summary>
    public static PeriodicSnapshots Start(SnapshotPipeline pipeline, TrackerDiagnostics diagnostics, TimeSpan interval)
    {
        var periodic = new PeriodicSnapshots(pipeline, diagnostics, interval);
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
        s_onSnapshotThread = true;
        // Snapshots are background work: a busy program's own threads come first (the GCs a walk needs run at normal priority).
        Heap.ThreadNice.Lower(SnapshotNice);
        long next = Stopwatch.GetTimestamp();
        while (true)
        {
            next += (long)(_interval.TotalSeconds * Stopwatch.Frequency);
            long now = Stopwatch.GetTimestamp();
            if (next < now) next = now; // behind schedule: start the next one at once, do not catch up
            if (_stop.Wait(TimeSpan.FromSeconds((double)(next - now) / Stopwatch.Frequency))) return;
            try
            {
                _pipeline.Take(null, computeTotal: false, periodic: true);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                _diagnostics.PeriodicFailed(e);
            }
        }
    }
}
