using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Sizing;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>ClassTrackerOptions: bad values are refused up front, and each option changes what the tracker does.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class ClassTrackerOptionsTests
{
    [Fact]
    public void BadOptionsAreRefusedWithAMessageNamingTheOption()
    {
        Assert.Throws<ArgumentNullException>(() => new ClassTracker(null!));
        Assert.Contains("ClassTrackerOptions.Sizing", Refused<ArgumentNullException>(ClassTrackerOptions.Default with { Sizing = null! }));
        Assert.Contains("ClassTrackerOptions.Discovery", Refused<ArgumentNullException>(ClassTrackerOptions.Default with { Discovery = null! }));
        Assert.Contains("must be Full", Refused<ArgumentException>(ClassTrackerOptions.Default with { Discovery = HeapWalkOptions.Young }));
        Assert.Contains("MaxAttempts", Refused<ArgumentOutOfRangeException>(ClassTrackerOptions.Default with { Discovery = HeapWalkOptions.Default with { MaxAttempts = 0 } }));
        Assert.Contains("NoGCRegionBytes", Refused<ArgumentOutOfRangeException>(ClassTrackerOptions.Default with { Discovery = HeapWalkOptions.Default with { NoGCRegionBytes = 1024 } }));
        Assert.Contains("StopAtTypes", Refused<ArgumentException>(ClassTrackerOptions.Default with { Sizing = SizingOptions.Default with { StopAtTypes = [null!] } }));
        Assert.Contains("DelegateTargets", Refused<ArgumentException>(ClassTrackerOptions.Default with { Sizing = SizingOptions.Default with { DelegateTargets = (DelegateTargets)7 } }));

        using var tracker = new ClassTracker();
        Assert.Same(ClassTrackerOptions.Default, tracker.Options);
    }

    [Theory]
    [InlineData(0)] // every object sized in one batch
    [InlineData(1)] // each object sized with its referent tree
    public void SizingOptionsChangeTheRecordedSizesAsTheSizerSays(int level)
    {
        var holder = new Holder { Data = new byte[1000], Name = new string('n', 40) };
        SizingOptions stopAtArrays = SizingOptions.Default with { StopAtTypes = [.. SizingOptions.RuntimeInfrastructure, typeof(byte[])] };
        SizingOptions stopWhenString = SizingOptions.Default with { StopWhen = o => o is string };

        long byDefault = RecordedSize(ClassTrackerOptions.Default, holder, level);
        long withoutArrays = RecordedSize(ClassTrackerOptions.Default with { Sizing = stopAtArrays }, holder, level);
        long withoutStrings = RecordedSize(ClassTrackerOptions.Default with { Sizing = stopWhenString }, holder, level);

        Assert.Equal(new Sizer().Deep(holder), byDefault);
        Assert.Equal(new Sizer(stopAtArrays).Deep(holder), withoutArrays);
        Assert.Equal(new Sizer(stopWhenString).Deep(holder), withoutStrings);
        Assert.Equal(ObjectSize.Shallow(holder.Data), byDefault - withoutArrays);
        Assert.Equal(ObjectSize.Shallow(holder.Name), byDefault - withoutStrings);
    }

    [Fact]
    public void WithoutYoungWalksEveryPeriodicDiscoveryWalksTheWholeHeap()
    {
        (HeapLog full, TrackerDiagnostics fullStats) = PeriodicSnapshots(ClassTrackerOptions.FullWalks);
        Assert.Empty(full.YoungAsks);
        Assert.Equal(0, fullStats.Walks.Young);
        Assert.Equal(full.Finds.Count, fullStats.Walks.Full);

        // The control: the same snapshots with the default options take young walks once no gen1 or gen2 GC intervenes.
        (HeapLog young, TrackerDiagnostics youngStats) = PeriodicSnapshots(ClassTrackerOptions.Default);
        Assert.NotEmpty(young.YoungAsks);
        Assert.Equal(young.YoungAsks.Count, youngStats.Walks.Young);
    }

    private static string Refused<TException>(ClassTrackerOptions options) where TException : ArgumentException
        => Assert.Throws<TException>(() => new ClassTracker(options)).Message;

    private static long RecordedSize(ClassTrackerOptions options, Holder holder, int level)
    {
        using var tracker = new ClassTracker(options);
        tracker.TrackObject(holder, resolutionLevel: level, name: "holder");
        tracker.CreateSnapshot();
        SizeSample sample = TrackingOracle.SampleOf(tracker.ToData(), "holder", 0);
        Assert.Equal(level > 0, sample.Referents is not null);
        return sample.Size;
    }

    /// <summary>Periodic snapshots of a tracked class while instances appear, until one took a young walk (or 200 did not).</summary>
    private static (HeapLog Log, TrackerDiagnostics Diagnostics) PeriodicSnapshots(ClassTrackerOptions options)
    {
        var alive = new List<Item>();
        var log = new HeapLog(() => alive);
        using var tracker = new ClassTracker(TrackerBackends.Measurer(), log, options: options);
        tracker.TrackClass<Item>(includeExisting: true);
        for (int round = 0; round < 200 && (round < 20 || log.YoungAsks.Count == 0); round++)
        {
            alive.Add(new Item());
            Snapshot snapshot = tracker.TakeSnapshot(null, computeTotal: false, periodic: true);
            Assert.Equal(alive.Count, Assert.Single(snapshot.Classes).Active); // young or full, none missed
        }
        return (log, tracker.Diagnostics);
    }

    /// <summary>A test heap that remembers what each find was asked.</summary>
    private sealed class HeapLog(Func<IEnumerable<object>> heap) : IInstanceSource
    {
        private readonly ListInstanceSource _inner = new(heap);

        public List<GcCounts?> Finds { get; } = [];

        public List<GcCounts> YoungAsks => [.. Finds.OfType<GcCounts>()];

        public Discovered? Find(IReadOnlyCollection<Type> types, GcCounts? youngSince)
        {
            Finds.Add(youngSince);
            return _inner.Find(types, youngSince);
        }

        public long? HeapTotal() => _inner.HeapTotal();
    }

    private sealed class Holder
    {
        public byte[] Data = [];
        public string Name = "";
    }

    private sealed class Item;
}
