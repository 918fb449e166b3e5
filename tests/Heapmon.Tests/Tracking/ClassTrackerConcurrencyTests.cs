using System.Collections.Concurrent;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>Tracking calls, snapshots and periodic snapshots from several threads at once corrupt nothing.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class ClassTrackerConcurrencyTests
{
    [Fact]
    public void ManyThreadsTrackingDetachingAndSnapshottingAtOnceLeaveConsistentData()
    {
        var heap = new ConcurrentBag<WeakReference>();
        var measurer = new OverlapDetector(TrackerBackends.Measurer());
        using var tracker = new ClassTracker(measurer, new ListInstanceSource(() => heap.Select(w => w.Target).OfType<object>().ToList()));
        tracker.TrackClass<Found>();
        tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(5));
        const int Threads = 4, PerThread = 1500;
        var kept = new ConcurrentBag<Item>();
        var detached = new ConcurrentBag<Item>();
        using var done = new CancellationTokenSource();
        var snapshots = new Thread(() =>
        {
            while (!done.IsCancellationRequested)
            {
                tracker.CreateSnapshot("manual");
                Thread.Sleep(3);
            }
        });
        snapshots.Start();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                // Halfway, wait for snapshots so they overlap the tracking calls even when the loop is fast.
                if (i == PerThread / 2) SpinWait.SpinUntil(() => tracker.Snapshots.Count > 2, TimeSpan.FromSeconds(30));
                var item = new Item(new byte[i % 64]) { Name = $"t{t}-{i}" };
                tracker.TrackObject(item, resolutionLevel: i % 3, name: item.Name);
                if (i % 7 == 0) tracker.TrackChange(item, 1);
                if (i % 5 == 0) heap.Add(new WeakReference(new Found()));
                if (i % 11 == 0)
                {
                    Assert.True(tracker.Detach(item));
                    detached.Add(item);
                }
                else if (i % 2 == 0) kept.Add(item);
            }
        });
        done.Cancel();
        snapshots.Join();
        tracker.StopPeriodicSnapshots();
        Snapshot last = tracker.CreateSnapshot("last");
        TrackerData data = tracker.ToData();

        Assert.Equal(0, measurer.Overlaps);
        Assert.Equal(0, tracker.Diagnostics.PeriodicFailures);
        Assert.True(data.Snapshots.Count > 3, $"{data.Snapshots.Count} snapshots");
        Assert.Equal(Enumerable.Range(0, data.Snapshots.Count), data.Snapshots.Select(s => s.Index));
        TrackedObjectRecord[] items = data.Objects.Where(o => o.ClassName.EndsWith("+Item")).ToArray();
        Assert.Equal(Threads * PerThread, items.Length);
        Assert.Equal(Threads * PerThread, items.Select(o => o.Name).Distinct().Count());
        Assert.Equal(data.Objects.Count, data.Objects.Select(o => o.Id).Distinct().Count());
        Assert.True(data.Objects.Zip(data.Objects.Skip(1)).All(p => p.First.Id < p.Second.Id));
        foreach (Snapshot snapshot in data.Snapshots)
        {
            long sum = data.Objects.Sum(o => o.SizeAt(snapshot.Index));
            Assert.Equal(snapshot.TrackedTotal, sum);
            Assert.Equal(snapshot.TrackedTotal, snapshot.Classes.Sum(c => c.Total));
            Assert.Equal(data.Objects.Count(o => o.Samples.Any(s => s.SnapshotIndex == snapshot.Index)), snapshot.Classes.Sum(c => c.Active));
        }
        var keptNames = items.Where(o => o.SizeAt(last.Index) > 0).Select(o => o.Name).ToHashSet();
        Assert.All(kept, k => Assert.Contains(k.Name, keptNames));
        Assert.All(detached, d => Assert.DoesNotContain(d.Name, keptNames));
        GC.KeepAlive(kept);
        GC.KeepAlive(detached);
    }

    private sealed class Item(byte[] payload)
    {
        private static int s_next;
        public string Name { get; set; } = "";
        public byte[] Payload = payload;
        public int Number = Interlocked.Increment(ref s_next);
    }

    private sealed class Found
    {
        public long Value = 1;
    }

    /// <summary>Counts snapshots that ran their sizing at the same time as another.</summary>
    private sealed class OverlapDetector(ISnapshotMeasurer inner) : ISnapshotMeasurer
    {
        private int _running;
        public int Overlaps;

        public void Measure(ReadOnlySpan<object> objects, ReadOnlySpan<int> levels, Span<long> sizes, Span<long> flats, Span<ReferentNode?> trees)
        {
            if (Interlocked.Increment(ref _running) != 1) Interlocked.Increment(ref Overlaps);
            inner.Measure(objects, levels, sizes, flats, trees);
            Interlocked.Decrement(ref _running);
        }
    }
}
