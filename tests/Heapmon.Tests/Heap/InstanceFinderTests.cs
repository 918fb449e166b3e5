using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Heapmon.Heap;
using Heapmon.Tests.Target;

namespace Heapmon.Tests.Heap;

[Collection(HeapWalkCollection.Name)]
public sealed class InstanceFinderTests
{
    public static TheoryData<string> QueryNames => [.. new Population().Queries.Select(q => q.Name)];

    [Theory]
    [MemberData(nameof(QueryNames))]
    public void FindsExactlyTheLiveInstancesOfEachShape(string queryName)
    {
        var population = new Population();
        ShapeQuery query = population.Queries.Single(q => q.Name == queryName);

        FoundInstances found = InstanceFinder.Find(query.Types, query.IncludeSubclasses);

        var kept = new HashSet<object>(population.Kept, ReferenceEqualityComparer.Instance);
        Assert.Equal(query.Expected, found.Instances.Count);
        Assert.All(found.Instances, o => Assert.Contains(o, kept));
        Assert.Equal(found.Instances.Count, found.Instances.Distinct(ReferenceEqualityComparer.Instance).Count());
        GC.KeepAlive(population);
    }

    [Fact]
    public void CountsAgreeWithClrMdWalkingTheSameHeap()
    {
        var population = new Population();
        FoundInstances found = InstanceFinder.Find([typeof(Box<>)], includeSubclasses: true);

        using var oracle = new ClrMdOracle();
        var names = found.Instances.Select(o => o.GetType()).Distinct().Select(ClrMdName).ToHashSet();
        int clrMd = oracle.Heap.EnumerateObjects(carefully: true).Count(o => o.Type?.Name is { } n && names.Contains(n));

        Assert.Equal(4, names.Count);  // Box<int>, Box<string>, Box<Plain>, IntBox
        Assert.Equal(clrMd, found.Instances.Count);
        GC.KeepAlive(population);
    }

    [Fact]
    public void PinnedInstancesThatAFullGcLeavesInGen0AreFound()
    {
        // The GC keeps a gen0 region with little in it but a pinned object in gen0 (the runtime's own
        // pinned object did this in the small programs measured); the walk must still find what
        // survived there, the pinned instances and their unpinned neighbours alike.
        var kept = new List<PinnableItem>();
        var handles = new List<GCHandle>();
        try
        {
            MakePinnedAndNeighbours(kept, handles);

            FoundInstances found = InstanceFinder.Find([typeof(PinnableItem)], includeSubclasses: false);

            Assert.Equal(kept.Count, found.Instances.Count);
            var expected = new HashSet<object>(kept, ReferenceEqualityComparer.Instance);
            Assert.All(found.Instances, o => Assert.Contains(o, expected));
            Assert.InRange(found.PossiblyNewer, 0, found.Instances.Count);
        }
        finally
        {
            foreach (GCHandle handle in handles) handle.Free();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakePinnedAndNeighbours(List<PinnableItem> kept, List<GCHandle> handles)
    {
        for (int i = 0; i < 50; i++)
        {
            var pinned = new PinnableItem { Value = i };
            handles.Add(GCHandle.Alloc(pinned, GCHandleType.Pinned));
            kept.Add(pinned);
            kept.Add(new PinnableItem { Value = -i });
            _ = new PinnableItem { Value = 1000 + i }; // dies: must not be found
        }
    }

    [Fact]
    public void InstancesMadeAfterTheMomentAreCountedAsPossiblyNewerAndTheRestAreExactlyTheLiveOnes()
    {
        var live = Enumerable.Range(0, 20_000).Select(i => new PinnableItem { Value = i }).ToArray();
        using var stop = new CancellationTokenSource();
        // Another thread makes and drops instances all the time: none of them is alive at the moment.
        var churn = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) MakeAndDrop();
        }) { IsBackground = true };
        churn.Start();
        try
        {
            for (int round = 0; round < 10; round++) FindAndCheckAgainst(live.Length);
        }
        finally
        {
            stop.Cancel();
            churn.Join();
        }
        GC.KeepAlive(live);
    }

    // In a method of its own: a local of the caller would keep the previous round's result, and the
    // churned instances in it, alive through the next round's GC.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FindAndCheckAgainst(int live)
    {
        FoundInstances found = InstanceFinder.Find([typeof(PinnableItem)], includeSubclasses: false);
        int churned = found.Instances.Count(o => ((PinnableItem)o).Value == -1);
        // At most the one the churning thread is making at the moment (and, in Debug code, a
        // temporary of it), and whatever lies where newer objects may lie.
        Assert.InRange(churned, 0, 2 + found.PossiblyNewer);
        Assert.InRange(found.Instances.Count - found.PossiblyNewer, live, live + 2);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeAndDrop() => _ = new PinnableItem { Value = -1 };

    [StructLayout(LayoutKind.Sequential)]
    private sealed class PinnableItem
    {
        public long Value;
    }

    [Fact]
    public void FoundThenDroppedObjectsAreCollected()
    {
        WeakReference[] weak = MakeFindAndDrop();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.All(weak, w => Assert.False(w.IsAlive));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] MakeFindAndDrop()
    {
        var victims = Enumerable.Range(0, 1000).Select(i => new Outer.Inner { X = i }).ToArray();
        Assert.Equal(victims.Length, FindCount(typeof(Outer.Inner)));
        return [.. victims.Select(v => new WeakReference(v))];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int FindCount(Type type) => InstanceFinder.Find([type], false).Instances.Count;

    [Fact]
    public void YoungScopeFindsOnlyWhatWasMadeSinceTheLastFullWalk()
    {
        var old = Enumerable.Range(0, 300).Select(i => new Dog()).ToList();
        Assert.Equal(old.Count, InstanceFinder.Find([typeof(Dog)], false).Instances.Count);
        // A gen1 or gen2 GC between the last full walk and the young one makes the young walk refuse, as documented:
        // then the scene is set again, at most five times. Dogs of an earlier attempt may still be alive (young) then.
        var made = new List<Dog>();
        for (int attempt = 1; ; attempt++)
        {
            // Full walks until the old ones are in gen2 (each full GC promotes by one generation).
            for (int i = 0; i < 4 && old.Any(d => GC.GetGeneration(d) != 2); i++) InstanceFinder.Find([typeof(Dog)], false);
            Assert.All(old, d => Assert.Equal(2, GC.GetGeneration(d)));

            int gen1Gcs = GC.CollectionCount(1);
            var fresh = Enumerable.Range(0, 200).Select(i => new Dog()).ToList();
            made.AddRange(fresh);
            bool nonePromoted = GC.CollectionCount(1) == gen1Gcs;
            FoundInstances young;
            try
            {
                young = InstanceFinder.Find([typeof(Dog)], false, HeapWalkOptions.Young);
            }
            catch (HeapWalkException e) when (e.Reason == HeapWalkFailure.YoungWalkOutOfReach && attempt < 5)
            {
                InstanceFinder.Find([typeof(Dog)], false);
                continue;
            }

            Assert.Equal(HeapScope.Young, young.Scope);
            Assert.All(young.Instances, o => Assert.Contains(o, made));
            // A gen1 GC from another thread while the fresh ones were made may have moved some to gen2.
            if (nonePromoted) Assert.All(fresh, d => Assert.Contains(d, young.Instances));
            GC.KeepAlive(old);
            return;
        }
    }

    [Fact]
    public void SnapshotRouteFindsTheSameInstancesAsOurOwnWalker()
    {
        var population = new Population();
        ShapeQuery query = population.Queries.Single(q => q.Name == "interface");

        FoundInstances viaSnapshot = InstanceFinder.Find(query.Types, query.IncludeSubclasses, HeapWalkOptions.Default, useSnapshot: true);
        FoundInstances viaWalker = InstanceFinder.Find(query.Types, query.IncludeSubclasses);

        Assert.Equal(query.Expected, viaSnapshot.Instances.Count);
        Assert.Equal(
            viaWalker.Instances.ToHashSet(ReferenceEqualityComparer.Instance),
            viaSnapshot.Instances.ToHashSet(ReferenceEqualityComparer.Instance));
        GC.KeepAlive(population);
    }

    [Fact]
    public void BadTypeListsAreRefusedUpFront()
    {
        Assert.Throws<ArgumentNullException>(() => InstanceFinder.Find(null!, false));
        Assert.Throws<ArgumentException>(() => InstanceFinder.Find([typeof(int).MakePointerType()], false));
        Assert.Throws<ArgumentException>(() => InstanceFinder.Find([typeof(Span<int>)], false));
        Assert.Throws<ArgumentOutOfRangeException>(() => InstanceFinder.Find([typeof(Dog)], false, HeapWalkOptions.Default with { MaxAttempts = 0 }));
    }

    [Fact]
    public void TheWalkLockIsReentrantSoATrackerCanHoldItAcrossCalls()
    {
        var dogs = Enumerable.Range(0, 10).Select(i => new Dog()).ToList();
        using (HeapWalkLock.Enter())
        {
            Assert.True(HeapWalkLock.IsHeldByCurrentThread);
            Assert.Equal(dogs.Count, InstanceFinder.Find([typeof(Dog)], false).Instances.Count);
        }
        Assert.False(HeapWalkLock.IsHeldByCurrentThread);
    }

    /// <summary>ClrMD's spelling of a type name: nested types with '+', generic arguments in angle brackets.</summary>
    private static string ClrMdName(Type type)
    {
        string name = type.FullName!.Split('`')[0];
        return type.IsGenericType ? $"{name}<{string.Join(", ", type.GetGenericArguments().Select(ClrMdName))}>" : name;
    }
}
