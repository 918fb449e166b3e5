using Heapmon.Model;
using Heapmon.Sampling;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>The tracker's bookkeeping rules: classes, inheritance, detaching, clearing, periodic snapshots, bad input.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class ClassTrackerApiTests
{
    private readonly List<object> _heap = [];

    private ClassTracker NewTracker() => new(TrackerBackends.Measurer(), new ListInstanceSource(() => _heap));

    [Fact]
    public void TheMostSpecialisedTrackedClassDecidesAndEachObjectIsTrackedOnce()
    {
        using ClassTracker tracker = NewTracker();
        tracker.TrackClass<Animal>(resolutionLevel: 0);
        tracker.TrackClass<Dog>(resolutionLevel: 2, name: "dogs");
        _heap.AddRange([new Animal(), new Dog(), new Puppy(), new Dog()]);
        tracker.TrackObject(_heap[0]); // already an instance of a tracked class: tracked once
        Snapshot snapshot = tracker.CreateSnapshot();

        TrackerData data = tracker.ToData();
        Assert.Equal(4, data.Objects.Count);
        Assert.Equal(["Animal#1", "Dog#2", "Puppy#3", "Dog#4"], data.Objects.Select(o => o.Name.Replace("ClassTrackerApiTests+", "")));
        Assert.Equal([0, 2, 2, 2], data.Objects.Select(o => o.ResolutionLevel));
        Assert.Equal(3, Assert.Single(snapshot.Classes, c => c.ClassName == "dogs").Active);
        Assert.Equal(1, Assert.Single(snapshot.Classes, c => c.ClassName == typeof(Animal).FullName).Active);
        Assert.All(data.Objects.Where(o => o.ClassName == "dogs"), o => Assert.NotNull(o.Samples[0].Referents));
    }

    [Fact]
    public void ExistingInstancesAreLeftOutUnlessAskedAndBirthIsWhenFirstSeen()
    {
        _heap.Add(new Dog());
        using ClassTracker tracker = NewTracker();
        tracker.TrackClass<Dog>();
        Snapshot first = tracker.CreateSnapshot();
        Assert.Equal(0, first.Classes.Single().Active);
        _heap.Add(new Dog());
        Snapshot second = tracker.CreateSnapshot();
        Assert.Equal(1, second.Classes.Single().Active);
        Assert.Equal(second.Timestamp, Assert.Single(tracker.ToData().Objects).Birth);

        using ClassTracker all = NewTracker();
        all.TrackClass<Dog>(includeExisting: true);
        Assert.Equal(2, all.CreateSnapshot().Classes.Single().Active);
    }

    [Fact]
    public void DetachingStopsSamplingButKeepsHistory()
    {
        using ClassTracker tracker = NewTracker();
        tracker.TrackClass<Dog>();
        var alone = new Animal();
        tracker.TrackObject(alone, name: "alone");
        _heap.Add(new Dog());
        tracker.CreateSnapshot();
        Assert.True(tracker.Detach(alone));
        Assert.False(tracker.Detach(new Animal()));
        Assert.True(tracker.DetachClass(typeof(Dog)));
        Assert.False(tracker.DetachClass(typeof(Dog)));
        _heap.Add(new Dog()); // no longer taken on; the first dog stays tracked
        Snapshot after = tracker.CreateSnapshot();
        Assert.Equal(1, after.Classes.Single(c => c.ClassName.EndsWith("Dog")).Active);
        Assert.DoesNotContain(after.Classes, c => c.ClassName.EndsWith("Animal")); // its one object is detached
        TrackerData data = tracker.ToData();
        Assert.Equal([0], data.Objects.Single(o => o.Name == "alone").Samples.Select(s => s.SnapshotIndex));

        tracker.DetachAll();
        Assert.Empty(tracker.ToData().Objects);
        Assert.Equal(2, tracker.Snapshots.Count);
        tracker.Clear();
        Assert.Empty(tracker.Snapshots);
        Assert.Equal(0, tracker.CreateSnapshot().Index);
        GC.KeepAlive(alone);
    }

    [Fact]
    public void PeriodicSnapshotsRecordProcessAndGcFiguresWithNothingTrackedAndStop()
    {
        using ClassTracker tracker = NewTracker();
        tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(10));
        SpinWait.SpinUntil(() => tracker.Snapshots.Count >= 5, TimeSpan.FromSeconds(20));
        tracker.StopPeriodicSnapshots();
        int count = tracker.Snapshots.Count;
        Thread.Sleep(50);
        Assert.Equal(count, tracker.Snapshots.Count);
        Assert.True(count >= 5);
        IReadOnlyList<Snapshot> snapshots = tracker.Snapshots;
        Assert.Equal(Enumerable.Range(0, count), snapshots.Select(s => s.Index));
        Assert.All(snapshots, s => Assert.Empty(s.Classes));
        Assert.All(snapshots, s => Assert.True(s.Process.ResidentBytes > 1 << 20 && s.Process.VirtualBytes >= s.Process.ResidentBytes));
        Assert.All(snapshots, s => Assert.Equal(5, s.Gc.Generations.Count));
        Assert.True(snapshots[^1].Gc.TotalAllocatedBytes >= snapshots[0].Gc.TotalAllocatedBytes);
        Assert.True(snapshots.Zip(snapshots.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
    }

    [Fact]
    public void ComputeTotalTakesTheCensusAndSharesAreMeasuredAgainstIt()
    {
        using ClassTracker tracker = NewTracker();
        tracker.TrackObject(new int[1000], name: "ints");
        Snapshot snapshot = tracker.CreateSnapshot(computeTotal: true);
        Assert.Equal(1L << 30, snapshot.HeapTotal);
        ClassSummary line = snapshot.Classes.Single();
        Assert.Equal((double)line.Total / (1L << 30), line.Share);
        Assert.Null(tracker.CreateSnapshot().HeapTotal);
    }

    [Fact]
    public void BadInputIsRefusedWithClearErrors()
    {
        using ClassTracker tracker = NewTracker();
        Assert.Throws<ArgumentNullException>(() => tracker.TrackObject(null!));
        Assert.Contains("boxed", Assert.Throws<ArgumentException>(() => tracker.TrackObject(42)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.TrackObject(new object(), -1));
        Assert.Contains("not tracked", Assert.Throws<ArgumentException>(() => tracker.TrackChange(new object(), 1)).Message);
        Assert.Throws<ArgumentException>(() => tracker.TrackClass(typeof(List<>).GetGenericArguments()[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.StartPeriodicSnapshots(TimeSpan.Zero));
        tracker.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tracker.TrackObject(new object()));
        Assert.Throws<ObjectDisposedException>(() => tracker.CreateSnapshot());
        Assert.Empty(tracker.ToData().Snapshots); // what was recorded stays readable
    }

    [Fact]
    public void OpenGenericsAndInterfacesMatchEveryInstantiationAndImplementer()
    {
        Assert.True(TrackedClasses.MatchDepth(typeof(List<>), typeof(List<int>)) > 0);
        Assert.True(TrackedClasses.MatchDepth(typeof(IEnumerable<>), typeof(List<int>)) == 0);
        Assert.True(TrackedClasses.MatchDepth(typeof(Dog), typeof(Puppy)) > TrackedClasses.MatchDepth(typeof(Animal), typeof(Puppy)));
        Assert.Equal(-1, TrackedClasses.MatchDepth(typeof(Dog), typeof(Animal)));
    }

    [Fact]
    public void TracedClassesTakeTheirSitesAndHoldTheTracerOnlyWhileTraced()
    {
        var traces = new FakeTraces();
        using var tracker = new ClassTracker(TrackerBackends.Measurer(), new ListInstanceSource(() => _heap), traces);
        tracker.TrackClass<Dog>(trace: true);
        tracker.TrackClass<Animal>();
        Assert.Equal(1, traces.Holders);
        _heap.AddRange([new Dog(), new Animal(), new Puppy()]);
        tracker.CreateSnapshot();
        TrackerData data = tracker.ToData();
        // The most specialised tracked class takes a sample: Dog's sites hold Dog and Puppy, never Animal.
        InstantiationSite site = Assert.Single(Assert.Single(data.Classes, c => c.Trace).Sites);
        Assert.Equal(["Dog, Puppy"], site.Frames);
        Assert.Empty(Assert.Single(data.Classes, c => !c.Trace).Sites);
        Assert.All(data.Objects, o => Assert.Null(o.Trace));
        tracker.DetachClass(typeof(Animal));
        Assert.Equal(1, traces.Holders);
        tracker.DetachAllClasses();
        Assert.Equal(0, traces.Holders);
        // Detached, the sites stay as they were last computed.
        Assert.Equal(["Dog, Puppy"], Assert.Single(tracker.ToData().Classes, c => c.Trace).Sites.Single().Frames);
    }

    /// <summary>Reports one site naming the types that belong to the class, from a fixed set of sampled types.</summary>
    private sealed class FakeTraces : IInstantiationTraces
    {
        public int Holders { get; private set; }
        public void Acquire() => Holders = 1;
        public void Release() => Holders = 0;
        public Heapmon.Sampling.SampleMark Mark() => default;
        public void Flush() { }
        public IReadOnlyList<InstantiationSite> Sites(Heapmon.Sampling.SampleMark since, Func<Type, bool> belongs)
            => [new([string.Join(", ", new[] { typeof(Animal), typeof(Dog), typeof(Puppy) }.Where(belongs).Select(t => t.Name))], 3, 300, 100, 700)];
    }

    private class Animal { public string Sound = new('?', 3); }
    private class Dog : Animal { public int[] Bones = new int[4]; }
    private sealed class Puppy : Dog;
}
