using Heapmon.Heap;

namespace Heapmon.Tests.Heap;

/// <summary>The young walk after a gen0 GC: instances that survived gen0 GCs since the last older GC are still found.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class YoungAfterGen0Tests
{
    private sealed class Pup
    {
        public int Number;
    }

    [Fact]
    public void InstancesPromotedToGen1ByEarlierGen0GcsAreFound()
    {
        var old = Enumerable.Range(0, 100).Select(i => new Pup { Number = i }).ToList();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        Assert.All(old, p => Assert.Equal(2, GC.GetGeneration(p)));

        // Other test classes allocate in parallel and may run a gen1 GC: one clean try suffices.
        var outcomes = new List<string>();
        for (int attempt = 0; attempt < 10; attempt++)
        {
            int olderGcs = GC.CollectionCount(1);
            var promoted = Enumerable.Range(0, 150).Select(i => new Pup { Number = i }).ToList();
            GC.Collect(0, GCCollectionMode.Forced, blocking: true); // now in gen1: a gen1 GC would put them in gen2
            var fresh = Enumerable.Range(0, 50).Select(i => new Pup { Number = i }).ToList();
            FoundInstances young = InstanceFinder.Find([typeof(Pup)], false, HeapWalkOptions.YoungAfterGen0);
            if (GC.CollectionCount(1) != olderGcs) { outcomes.Add("a gen1 GC ran"); continue; }

            Assert.Equal(HeapScope.YoungAfterGen0, young.Scope);
            Assert.All(promoted, p => Assert.Equal(1, GC.GetGeneration(p)));
            var found = young.Instances.ToHashSet(ReferenceEqualityComparer.Instance);
            Assert.All(promoted.Concat(fresh), p => Assert.Contains(p, found));
            Assert.All(old, p => Assert.DoesNotContain(p, found)); // gen2 is not walked
            GC.KeepAlive(old);
            return;
        }
        Assert.Fail(string.Join(", ", outcomes));
    }

    [Fact]
    public void TheOldYoungScopeMissesWhatTheNewOneFinds()
    {
        // Why the new scope exists: the gen1 GC of HeapScope.Young promotes gen1 instances out of reach.
        for (int attempt = 0; attempt < 10; attempt++)
        {
            int olderGcs = GC.CollectionCount(1);
            var promoted = Enumerable.Range(0, 100).Select(i => new Pup { Number = i }).ToList();
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            if (GC.CollectionCount(1) != olderGcs || promoted.Any(p => GC.GetGeneration(p) != 1)) continue;
            FoundInstances young = InstanceFinder.Find([typeof(Pup)], false, HeapWalkOptions.Young);
            var found = young.Instances.ToHashSet(ReferenceEqualityComparer.Instance);
            Assert.All(promoted, p => Assert.DoesNotContain(p, found));
            return;
        }
        Assert.Fail("a gen1 GC kept running");
    }
}
