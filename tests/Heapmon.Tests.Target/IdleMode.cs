using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Target;

/// <summary>An instance class tracking looks for in <see cref="IdleMode"/>.</summary>
public sealed class IdleItem
{
    public int Number;
}

/// <summary>
/// Periodic snapshots of a tracked class in a program that does nothing (walks may be skipped), then
/// in one whose other thread makes new instances (every one must be found). Alone in its process:
/// in the test runner other tests allocate all the time.
/// </summary>
public static class IdleMode
{
    public static int Run()
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass<IdleItem>();
        var alive = Enumerable.Range(0, 1000).Select(i => new IdleItem { Number = i }).ToList();
        tracker.CreateSnapshot("full walk");

        var idle = tracker.Diagnostics.Walks;
        int before = tracker.Snapshots.Count;
        tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(50));
        Thread.Sleep(1200);
        tracker.StopPeriodicSnapshots();
        var afterIdle = tracker.Diagnostics.Walks;
        Console.WriteLine($"periodic|{tracker.Snapshots.Count - before}");
        int idleActive = tracker.Snapshots[^1].Classes.Sum(c => c.Active);
        Console.WriteLine($"idle|{afterIdle.Young - idle.Young}|{afterIdle.Full - idle.Full}|{afterIdle.Skipped - idle.Skipped}|{idleActive}");

        // Another thread makes instances between snapshots: every one is found, none is skipped over.
        for (int round = 0; round < 10; round++)
        {
            var maker = new Thread(() => { lock (alive) alive.Add(new IdleItem { Number = -1 }); });
            maker.Start();
            maker.Join();
            Snapshot snapshot = tracker.TakeSnapshot(null, computeTotal: false, periodic: true);
            Console.WriteLine($"busy|{round}|{alive.Count}|{snapshot.Classes.Sum(c => c.Active)}");
        }
        var end = tracker.Diagnostics.Walks;
        Console.WriteLine($"walks|{end.Young}|{end.Full}|{end.Skipped}");
        GC.KeepAlive(alive);
        return 0;
    }
}
