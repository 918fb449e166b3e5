using System.Runtime.CompilerServices;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>Lifetimes are observed, never extended.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class ClassTrackerLifetimeTests
{
    [Fact]
    public void AnObjectDroppedBetweenTwoSnapshotsDiesBetweenThem()
    {
        using var tracker = new ClassTracker(TrackerBackends.Measurer(), new ListInstanceSource(() => []));
        var holder = new object?[2];
        Fill(holder, tracker);
        Snapshot first = tracker.CreateSnapshot("both alive");
        holder[0] = null;
        Collect();
        Snapshot second = tracker.CreateSnapshot("one dropped");
        holder[1] = null;
        Collect(waitForFinalizers: false); // the snapshot notices the death itself if the finalizer thread has not
        Snapshot third = tracker.CreateSnapshot("both dropped");

        TrackerData data = tracker.ToData();
        TrackedObjectRecord doomed = Assert.Single(data.Objects, o => o.Name == "doomed");
        Assert.NotNull(doomed.Death);
        Assert.InRange(doomed.Death!.Value, first.Timestamp, second.Timestamp);
        Assert.True(doomed.IsAliveAt(first.Timestamp));
        Assert.False(doomed.IsAliveAt(second.Timestamp));
        Assert.Equal([0], doomed.Samples.Select(s => s.SnapshotIndex));

        TrackedObjectRecord survivor = Assert.Single(data.Objects, o => o.Name == "survivor");
        Assert.InRange(survivor.Death!.Value, second.Timestamp, third.Timestamp);
        Assert.Equal([0, 1], survivor.Samples.Select(s => s.SnapshotIndex));
        Assert.Equal([2, 1, 0], data.Snapshots.Select(s => s.Classes.Sum(c => c.Active)));
    }

    [Fact]
    public void TrackingAndSnapshotsNeverKeepAnObjectAlive()
    {
        var heap = new List<WeakReference>();
        using var tracker = new ClassTracker(TrackerBackends.Measurer(),
            new ListInstanceSource(() => heap.Select(w => w.Target).OfType<object>().ToList()));
        tracker.TrackClass<Leaf>(resolutionLevel: 2, includeExisting: true);
        tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(5));
        WeakReference[] weak = TrackAndSnapshot(tracker, heap);
        tracker.StopPeriodicSnapshots();
        Collect();

        Assert.All(weak, w => Assert.False(w.IsAlive));
        tracker.CreateSnapshot("after");
        TrackerData data = tracker.ToData();
        Assert.Equal(["individual", "ClassTrackerLifetimeTests+Leaf#2"], data.Objects.Select(o => o.Name));
        Assert.All(data.Objects, o => Assert.NotNull(o.Death));
        Assert.All(data.Objects, o => Assert.Contains(o.Samples, s => s.Size > 0));
        Assert.Equal(0, data.Snapshots[^1].Classes.Sum(c => c.Active));
        Assert.Equal(0, tracker.Diagnostics.PeriodicFailures);
    }

    [Fact]
    public void InstancesFoundByTheHeapWalkAreNotKeptAliveAndTheirDeathsAreSeen()
    {
        using var tracker = new ClassTracker(); // the real Sizing and Heap layers
        tracker.TrackClass<Leaf>();
        var holder = new object?[1];
        WeakReference[] weak = CreateLeaves(holder, 100);
        Snapshot found = tracker.CreateSnapshot("found");
        Assert.Equal(100, Assert.Single(found.Classes).Active);
        holder[0] = null;
        Collect();
        Assert.All(weak, w => Assert.False(w.IsAlive));
        Snapshot gone = tracker.CreateSnapshot("gone");
        Assert.Equal(0, Assert.Single(gone.Classes).Active);
        TrackerData data = tracker.ToData();
        Assert.Equal(100, data.Objects.Count);
        Assert.All(data.Objects, o => Assert.InRange(o.Death!.Value, found.Timestamp, gone.Timestamp));
        Assert.All(data.Objects, o => Assert.Equal(found.Timestamp, o.Birth)); // first seen by the walk
    }

    [Fact]
    public void PeriodicSnapshotsFindEveryNewInstanceWhileTheProgramAllocates()
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass<Leaf>();
        var kept = new List<Leaf>();
        tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(20));
        // At least 40 batches and 4 periodic snapshots, however fast or loaded the machine is.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (int batch = 0; batch < 40 || (tracker.Snapshots.Count < 4 && DateTime.UtcNow < deadline); batch++)
        {
            for (int i = 0; i < 50; i++) kept.Add(new Leaf());
            for (int i = 0; i < 2000; i++) GC.KeepAlive(new byte[256]); // garbage: GCs between walks
            Thread.Sleep(2);
        }
        tracker.StopPeriodicSnapshots();
        Snapshot last = tracker.TakeSnapshot("last", computeTotal: false, periodic: true);

        Assert.Equal(0, tracker.Diagnostics.PeriodicFailures);
        Assert.Equal(kept.Count, Assert.Single(last.Classes).Active);
        int[] active = tracker.Snapshots.Select(s => s.Classes.Single().Active).ToArray();
        Assert.True(active.Length > 3);
        Assert.True(active.Zip(active.Skip(1)).All(p => p.First <= p.Second), string.Join(", ", active)); // none dies, none is lost
        Assert.Equal(kept.Count, tracker.ToData().Objects.Count);
        GC.KeepAlive(kept);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [Fact]
    public void FailingPeriodicSnapshotsAreCountedAndStayCountedOnceStopped()
    {
        var failure = new InvalidOperationException("the measurer failed");
        using var tracker = new ClassTracker(new FailingMeasurer(failure), new ListInstanceSource(() => []));
        tracker.TrackObject(new Leaf());
        tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(5));
        SpinWait.SpinUntil(() => tracker.Diagnostics.PeriodicFailures >= 3, TimeSpan.FromSeconds(30));
        tracker.StopPeriodicSnapshots();

        Assert.InRange(tracker.Diagnostics.PeriodicFailures, 3, int.MaxValue); // never thrown into the program, and not forgotten at Stop
        Assert.Same(failure, tracker.Diagnostics.LastPeriodicError);
        Assert.Empty(tracker.Snapshots);
    }

    private static WeakReference[] CreateLeaves(object?[] holder, int count)
    {
        var leaves = new Leaf[count];
        for (int i = 0; i < count; i++) leaves[i] = new Leaf();
        holder[0] = leaves;
        return leaves.Select(l => new WeakReference(l)).ToArray();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fill(object?[] holder, ClassTracker tracker)
    {
        holder[0] = new Leaf();
        holder[1] = new Leaf();
        tracker.TrackObject(holder[0]!, name: "doomed");
        tracker.TrackObject(holder[1]!, name: "survivor");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] TrackAndSnapshot(ClassTracker tracker, List<WeakReference> heap)
    {
        var individual = new Leaf { Next = new Leaf() };
        var found = new Leaf();
        heap.Add(new WeakReference(found));
        tracker.TrackObject(individual, resolutionLevel: 3, name: "individual");
        tracker.CreateSnapshot();
        tracker.TrackChange(individual, 1);
        tracker.CreateSnapshot();
        return [new WeakReference(individual), new WeakReference(individual.Next), new WeakReference(found)];
    }

    private static void Collect(bool waitForFinalizers = true)
    {
        GC.Collect();
        if (waitForFinalizers) GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private sealed class FailingMeasurer(Exception failure) : ISnapshotMeasurer
    {
        public void Measure(ReadOnlySpan<object> objects, ReadOnlySpan<int> levels, Span<long> sizes, Span<long> flats, Span<ReferentNode?> trees)
            => throw failure;
    }

    private sealed class Leaf
    {
        public Leaf? Next;
        public int[] Data = new int[16];
    }
}
