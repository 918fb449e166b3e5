using System.Runtime;
using System.Runtime.CompilerServices;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Tests.Target;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Heap;

/// <summary>The graph a snapshot reads, object by object and reference by reference, against ClrMD's own walk of the same heap.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapGraphTests
{
    [Fact]
    public void EveryObjectAndReferenceMatchesClrMdOnTheSameHeap()
    {
        var population = new Population();
        var structs = new Pair<string, Plain>[50];
        for (int i = 0; i < structs.Length; i++) structs[i] = new Pair<string, Plain> { A = "s" + i, B = new Plain { Id = i } };
        var table = new ConditionalWeakTable<Plain, Dog>();
        var key = new Plain();
        table.Add(key, new Dog());

        // At one moment of the heap session, in a no-GC region large enough for ClrMD's own walk as well.
        var plan = new HeapSessionPlan { MaxAttempts = 3, RegionBytes = 1L << 30, MaxRegionBytes = 4L << 30 };
        bool compared = HeapSession.Run<bool>(plan, moment =>
        {
            GraphWalk walk = GraphBuilder.Read(moment.Runtime, includeStacks: false, 1 << 16, out string? problem, keepAddresses: true)
                ?? throw new Xunit.Sdk.XunitException(problem);
            using var oracle = new ClrMdOracle();
            AssertSameObjectsAndReferences(walk, oracle.Heap);
            return true;
        });
        Assert.True(compared);
        GC.KeepAlive(population);
        GC.KeepAlive(structs);
        GC.KeepAlive(key);
        GC.KeepAlive(table);
    }

    private static void AssertSameObjectsAndReferences(GraphWalk walk, ClrHeap heap)
    {
        HeapGraph graph = walk.Graph;
        ulong[] addresses = walk.Addresses!;
        var ids = new Dictionary<ulong, int>(graph.NodeCount);
        for (int v = 0; v < graph.NodeCount; v++) ids[addresses[v]] = v;
        int compared = 0, withReferences = 0, changed = 0;
        var changedTypes = new List<string>();
        var mismatches = new List<string>();
        int ours = 0;
        foreach (ClrObject obj in heap.EnumerateObjects(carefully: true))
        {
            if (obj.IsFree || obj.Type is null) continue;
            // Objects allocated since the walk (ClrMD's own, in this region) are not in the graph.
            if (!ids.TryGetValue(obj.Address, out int v)) continue;
            Assert.Equal(obj.Type.Name, walk.TypeNames[graph.TypeIds[v]]);
            Assert.Equal((obj.Size + 7) & ~7UL, graph.Sizes[v]);
            ulong[] targets = [.. obj.EnumerateReferenceAddresses(carefully: true, considerDependantHandles: true)];
            // ClrMD (the walk's and the oracle's) and the test runner's threads go on: a field that now points at an
            // object made since the walk changed under it.
            if (targets.Any(a => !ids.ContainsKey(a) && heap.GetObject(a).Type is not null)) { changed++; changedTypes.Add(obj.Type.Name!); continue; }
            int[] expected = [.. targets.Select(a => ids.TryGetValue(a, out int id) ? id : -1).Where(id => id >= 0).Order()];
            int[] actual = [.. graph.Edges[graph.Offsets[v]..graph.Offsets[v + 1]].Order()];
            if (!expected.SequenceEqual(actual))
            {
                // Other threads may have changed a field since the walk; our own objects stay put and must agree exactly.
                Assert.False(obj.Type.Name!.Contains("Heapmon.Tests.Target", StringComparison.Ordinal), $"{obj.Type.Name} at {obj.Address:x}: references [{string.Join(",", actual)}], ClrMD [{string.Join(",", expected)}]");
                mismatches.Add(obj.Type.Name);
            }
            if (obj.Type.Name!.Contains("Heapmon.Tests.Target", StringComparison.Ordinal) && actual.Length > 0) ours++;
            compared++;
            if (actual.Length > 0) withReferences++;
        }
        Assert.True(changed + mismatches.Count < graph.NodeCount / 200, $"{changed} objects changed since the walk: {string.Join(", ", changedTypes.CountBy(t => t).OrderByDescending(p => p.Value).Take(12))}");
        Assert.True(mismatches.Count < graph.NodeCount / 1000, $"{mismatches.Count} objects disagree: {string.Join(", ", mismatches.Take(10))}");
        Assert.True(ours >= 100, $"only {ours} of the test's own objects with references compared");
        Assert.True(compared > graph.NodeCount * 9L / 10, $"only {compared} of {graph.NodeCount} objects compared");
        Assert.True(withReferences > 1000, $"only {withReferences} objects with references");
    }

    [Fact]
    public void RootsIncludeStaticFieldsByName()
    {
        s_held = [new Dog(), new Dog()];
        GraphWalk walk = HeapSnapshot.ReadGraph(HeapSnapshotOptions.Default);
        int index = Array.IndexOf(walk.RootLabels, $"static {typeof(HeapGraphTests).FullName}.{nameof(s_held)}");
        Assert.True(index >= 0, "the static field is not among the roots");
        Assert.Equal(GcRootKind.StaticField, walk.RootKinds[index]);
        Assert.Equal("System.Collections.Generic.List<Heapmon.Tests.Target.Dog>", walk.TypeNames[walk.Graph.TypeIds[walk.Graph.Roots[index]]]);
        s_held = null;
    }

    private static List<Dog>? s_held;
}
