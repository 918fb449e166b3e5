using Heapmon.Garbage;

namespace Heapmon.Tests.Garbage;

[Collection(HeapWalkCollection.Name)]
public sealed class CycleFinderTests
{
    /// <summary>10,000 objects in an acyclic tree, plus a self-loop, a pair and a ring of five.</summary>
    private static object[] KnownGraph()
    {
        var nodes = new List<object>();
        var tree = new TreeNode[9_992];
        for (int i = 0; i < tree.Length; i++)
        {
            tree[i] = new TreeNode();
            if (i > 0)
            {
                TreeNode parent = tree[(i - 1) / 4];
                parent.Children ??= new TreeNode[4];
                parent.Children[(i - 1) % 4] = tree[i];
            }
        }
        nodes.AddRange(tree);

        var self = new SelfNode();
        self.Self = self;
        var a = new PairNode();
        var b = new PairNode { Partner = a };
        a.Partner = b;
        var ring = new RingNode[5];
        for (int i = 0; i < 5; i++) ring[i] = new RingNode { Id = i };
        for (int i = 0; i < 5; i++) ring[i].Next = ring[(i + 1) % 5];
        // The tree points into each cycle, so the cycles are reachable from the tree's root only.
        tree[9_000].Extra = self;
        tree[9_001].Extra = a;
        tree[9_002].Extra = ring[3];
        nodes.Add(self);
        nodes.AddRange([a, b]);
        nodes.AddRange(ring);
        Assert.Equal(10_000, nodes.Count);
        return [.. nodes];
    }

    [Fact]
    public void ThreeCyclesOfLengthsOneTwoFiveAmongTenThousandObjectsAreExactlyFound()
    {
        object[] graph = KnownGraph();
        // Only the tree's root is given: everything else is found by following fields and arrays.
        CycleReport report = CycleFinder.FindAmong([graph[0]]);

        Assert.True(report.Complete);
        // 10,000 objects plus the tree's Children arrays (one per inner node).
        int arrays = graph.OfType<TreeNode>().Count(n => n.Children is not null);
        Assert.Equal(10_000 + arrays, report.ObjectsExamined);
        Assert.Equal([5, 2, 1], report.Cycles.Select(c => c.ObjectCount));

        AssertRing(report.Cycles[0], typeof(RingNode), "Next", 5);
        AssertRing(report.Cycles[1], typeof(PairNode), "Partner", 2);
        AssertRing(report.Cycles[2], typeof(SelfNode), "Self", 1);
        GC.KeepAlive(graph);
    }

    private static void AssertRing(ReferenceCycle cycle, Type type, string field, int length)
    {
        Assert.All(cycle.Objects, o => Assert.Equal(type.FullName, o.TypeName));
        Assert.Equal(length, cycle.Objects.Select(o => o.Address).Distinct().Count());
        Assert.All(cycle.References, r => Assert.Equal(field, r.Field));
        // Following the references from object 0 visits every object once and comes back.
        Assert.Equal(length, cycle.References.Count);
        var next = cycle.References.ToDictionary(r => r.From, r => r.To);
        int at = 0;
        var seen = new HashSet<int>();
        for (int i = 0; i < length; i++) { Assert.True(seen.Add(at)); at = next[at]; }
        Assert.Equal(0, at);
    }

    [Fact]
    public void SizesAreTheClrsOwnSizes()
    {
        object[] graph = KnownGraph();
        CycleReport live = CycleFinder.FindAmong(graph);
        CycleReport heapRoute = CycleFinder.FindAmongInstancesOf(typeof(TreeNode));
        using var oracle = new ClrMdOracle();
        // Addresses in a report are stale once it returns, so the oracle is each type's size in ClrMD.
        foreach (CycleReport report in new[] { live, heapRoute })
            foreach (HeapObjectInfo o in report.Cycles.SelectMany(c => c.Objects))
            {
                Type type = graph.First(g => g.GetType().FullName == o.TypeName).GetType();
                ulong expected = ((ulong)oracle.Runtime.GetTypeByMethodTable((ulong)type.TypeHandle.Value)!.StaticSize + 7) & ~7UL;
                Assert.Equal(expected, (ulong)o.Size);
            }
        Assert.Equal(live.Cycles.Select(c => c.TotalSize), heapRoute.Cycles.Select(c => c.TotalSize));
        GC.KeepAlive(graph);
    }

    [Fact]
    public void TheHeapWalkRouteFromAClassesInstancesFindsTheSameCyclesAndFields()
    {
        object[] graph = KnownGraph();
        var holder = new StructHolder();
        var arrays = new ArrayHolder { Items = new object?[5] };
        holder.Pair.Item = arrays;
        holder.Pair.Tag = 7;
        arrays.Items[3] = holder;

        CycleReport live = CycleFinder.FindAmong([graph[0], holder]);
        CycleReport heap = CycleFinder.FindAmongInstancesOf(typeof(TreeNode));
        CycleReport heapHolder = CycleFinder.FindAmongInstancesOf(typeof(StructHolder));

        Assert.Equal([5, 2, 1], heap.Cycles.Select(c => c.ObjectCount));
        Assert.Equal(Shape(live.Cycles.Where(c => c.Objects[0].TypeName != typeof(StructHolder).FullName)), Shape(heap.Cycles));

        // A reference inside an embedded struct and one in an array element, named the same by both routes.
        ReferenceCycle liveStruct = Assert.Single(live.Cycles, c => c.ObjectCount == 3);
        ReferenceCycle heapStruct = Assert.Single(heapHolder.Cycles);
        string[] expected = ["Items", "Pair.Item", "[3]"];
        Assert.Equal(expected, liveStruct.References.Select(r => r.Field).Order());
        Assert.Equal(expected, heapStruct.References.Select(r => r.Field).Order());
        GC.KeepAlive(graph);
        GC.KeepAlive(holder);
    }

    [Fact]
    public void FieldsInsideStructsAreReadTheSameOnceTheTypeIsHotAndCompiled()
    {
        // 1,000 holders: past the point where reflection getters are replaced by compiled ones.
        var ring = new StructHolder[1_000];
        for (int i = 0; i < ring.Length; i++) ring[i] = new StructHolder();
        for (int i = 0; i < ring.Length; i++) ring[i].Pair.Item = ring[(i + 1) % ring.Length];

        CycleReport first = CycleFinder.FindAmong([ring[0]], new CycleOptions { MaxObjectsPerCycle = 1_000 });
        CycleReport again = CycleFinder.FindAmong([ring[0]], new CycleOptions { MaxObjectsPerCycle = 1_000 });

        foreach (CycleReport report in new[] { first, again })
        {
            ReferenceCycle cycle = Assert.Single(report.Cycles);
            Assert.Equal(1_000, cycle.ObjectCount);
            Assert.Equal(1_000, cycle.References.Count);
            Assert.All(cycle.References, r => Assert.Equal("Pair.Item", r.Field));
        }
        GC.KeepAlive(ring);
    }

    private static string[] Shape(IEnumerable<ReferenceCycle> cycles) =>
        cycles.Select(c => $"{c.ObjectCount}:{c.Objects[0].TypeName}:{string.Join(",", c.References.Select(r => r.Field).Order())}").ToArray();

    [Fact]
    public void AChainTooLongForRecursionIsWalkedIteratively()
    {
        const int length = 300_000;
        var ring = new RingNode[length];
        for (int i = 0; i < length; i++) ring[i] = new RingNode { Id = i };
        for (int i = 0; i < length; i++) ring[i].Next = ring[(i + 1) % length];

        CycleReport report = CycleFinder.FindAmong([ring[0]], new CycleOptions { MaxObjectsPerCycle = 10 });

        ReferenceCycle cycle = Assert.Single(report.Cycles);
        Assert.Equal(length, cycle.ObjectCount);
        Assert.Equal(10, cycle.Objects.Count);
        GC.KeepAlive(ring);
    }

    [Fact]
    public void AnObjectLimitStopsTheSearchAndSaysSo()
    {
        object[] graph = KnownGraph();
        CycleReport report = CycleFinder.FindAmong([graph[0]], new CycleOptions { MaxObjects = 100 });
        Assert.False(report.Complete);
        Assert.Equal(100, report.ObjectsExamined);
        Assert.Contains("INCOMPLETE", report.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => CycleFinder.FindAmong([graph[0]], new CycleOptions { MaxObjects = 0 }));
    }

    [Fact]
    public void NoCyclesInATreeAndNullRootsAreIgnored()
    {
        var root = new TreeNode { Children = [new TreeNode(), new TreeNode()] };
        CycleReport report = CycleFinder.FindAmong([null, root, "a string"]);
        Assert.Empty(report.Cycles);
        Assert.Equal(4, report.ObjectsExamined); // root, its array, two children
    }

    internal sealed class TreeNode
    {
        public TreeNode[]? Children;
        public object? Extra;
    }

    internal sealed class SelfNode { public SelfNode? Self; }

    internal sealed class PairNode { public PairNode? Partner; }

    internal sealed class RingNode
    {
        public RingNode? Next;
        public int Id;
    }

    internal struct Pair { public object? Item; public int Tag; }

    internal sealed class StructHolder { public Pair Pair; }

    internal sealed class ArrayHolder { public object?[]? Items; }
}
