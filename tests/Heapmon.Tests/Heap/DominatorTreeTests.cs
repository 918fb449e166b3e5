using System.Runtime.CompilerServices;
using Heapmon.Heap;

namespace Heapmon.Tests.Heap;

/// <summary>
/// The dominator tree against a brute-force oracle: an object's dominators are exactly the objects
/// whose removal makes it unreachable from the roots, and its retained size is what becomes
/// unreachable when it is removed. In the heap-walk collection: the million-object graph's arrays would
/// otherwise show up in a census another test takes meanwhile.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class DominatorTreeTests
{
    [Fact]
    public void ChainDominatesEverythingBelow()
    {
        // roots: 0; 0 -> 1 -> 2 -> 3
        AssertAgreesWithBruteForce(4, [0], [(0, 1), (1, 2), (2, 3)], out DominatorTree tree);
        Assert.Equal(4 * 8 + 3 * 16, tree.Retained[0]);
    }

    [Fact]
    public void DiamondJoinIsDominatedByItsFork()
    {
        // 0 -> {1, 2} -> 3: 3 is retained by 0, not by 1 or 2.
        AssertAgreesWithBruteForce(4, [0], [(0, 1), (0, 2), (1, 3), (2, 3)], out _);
    }

    [Fact]
    public void CyclesAndSelfLoopsKeepTheirEntryAsDominator()
    {
        AssertAgreesWithBruteForce(5, [0], [(0, 1), (1, 2), (2, 3), (3, 1), (3, 3), (2, 4), (4, 2)], out _);
    }

    [Fact]
    public void SubtreeSharedByTwoRootsIsRetainedByTheVirtualRootOnly()
    {
        AssertAgreesWithBruteForce(6, [0, 1], [(0, 2), (1, 2), (2, 3), (3, 4), (2, 5)], out DominatorTree tree);
        Assert.Equal(6, tree.Count - 1);
        Assert.Equal(0, tree.Idom[Array.IndexOf(tree.Vertex, 2)]);
    }

    [Fact]
    public void UnreachableObjectsAreLeftOut()
    {
        AssertAgreesWithBruteForce(5, [0], [(0, 1), (3, 4), (4, 1)], out DominatorTree tree);
        Assert.Equal(3, tree.Count);
    }

    [Fact]
    public void TenThousandRandomGraphsAgreeWithBruteForce()
    {
        var random = new Random(20_240_611);
        for (int g = 0; g < 10_000; g++)
        {
            int n = random.Next(1, 51);
            int edgeCount = random.Next(0, n * (1 + g % 4));
            var edges = new List<(int, int)>(edgeCount);
            for (int e = 0; e < edgeCount; e++) edges.Add((random.Next(n), random.Next(n)));
            int rootCount = random.Next(1, Math.Min(n, 4) + 1);
            int[] roots = [.. Enumerable.Range(0, rootCount).Select(_ => random.Next(n))];
            AssertAgreesWithBruteForce(n, roots, edges, out _);
        }
    }

    [Fact]
    public void MillionLongChainNeedsNoRecursion()
    {
        const int n = 1_000_000;
        var edges = new List<(int, int)>(n);
        for (int i = 0; i < n - 1; i++) edges.Add((i, i + 1));
        edges.Add((n - 1, 0));   // a back edge: the path compression runs along the whole chain
        HeapGraph graph = Build(n, [0], edges);
        DominatorTree tree = DominatorTree.Compute(graph);
        Assert.Equal(n + 1, tree.Count);
        for (int i = 1; i < tree.Count; i++) Assert.Equal(i - 1, tree.Idom[i]);
        Assert.Equal(Enumerable.Range(0, n).Sum(v => (long)graph.Sizes[v]), tree.Retained[1]);
    }

    [Fact]
    public void AConsumedGraphAndASpareArrayHoldTheWorkAndTheResult()
    {
        // 0 -> 1 -> 2 -> 3 and 0 -> 2, 3 -> 1: one reference per object at least, so the references can hold the labels.
        HeapGraph graph = Build(4, [0], [(0, 1), (1, 2), (2, 3), (0, 2), (3, 1)]);
        int[] offsets = graph.Offsets, edges = graph.Edges;
        var spare = new long[graph.NodeCount + 2];
        Array.Fill(spare, -1L);   // stale values, as the walk's addresses leave
        var (idom, retained, _) = BruteForce(graph);
        DominatorTree tree = DominatorTree.Compute(graph, consumeGraph: true, spare: spare);
        Assert.Same(offsets, tree.Idom);
        Assert.Same(edges, tree.Scratch.Items);
        Assert.True(Unsafe.AreSame(ref spare[0], ref tree.Retained[0]));
        for (int i = 1; i < tree.Count; i++)
        {
            int v = tree.Vertex[i];
            Assert.Equal(idom[v], tree.Idom[i] == 0 ? -1 : tree.Vertex[tree.Idom[i]]);
            Assert.Equal(retained[v], tree.Retained[i]);
        }
    }

    private static void AssertAgreesWithBruteForce(int n, int[] roots, IReadOnlyList<(int From, int To)> edges, out DominatorTree tree)
    {
        HeapGraph graph = Build(n, roots, edges);
        var (idom, retained, reachable) = BruteForce(graph);
        // Half the time the graph's arrays are reused for the result, as a snapshot without --graph does; and a
        // third of the time the work space is a spare array holding stale values, as the walk's addresses do.
        long[]? spare = (n + edges.Count) % 3 == 0 ? [.. Enumerable.Range(0, n + 2).Select(i => (long)(i * 7919L) - 5)] : null;
        tree = DominatorTree.Compute(graph, consumeGraph: (n + edges.Count) % 2 == 0, spare: spare);
        Assert.Equal(reachable.Count(r => r) + 1, tree.Count);
        for (int i = 1; i < tree.Count; i++)
        {
            int v = tree.Vertex[i];
            int expected = idom[v];
            int actual = tree.Idom[i] == 0 ? -1 : tree.Vertex[tree.Idom[i]];
            Assert.True(expected == actual, $"object {v}: immediate dominator {actual}, brute force says {expected}");
            Assert.Equal(retained[v], tree.Retained[i]);
        }
    }

    private static HeapGraph Build(int n, int[] roots, IReadOnlyList<(int From, int To)> edges)
    {
        var offsets = new int[n + 1];
        foreach ((int from, _) in edges) offsets[from + 1]++;
        for (int i = 1; i <= n; i++) offsets[i] += offsets[i - 1];
        var fill = (int[])offsets.Clone();
        var targets = new int[edges.Count];
        foreach ((int from, int to) in edges) targets[fill[from]++] = to;
        uint[] sizes = [.. Enumerable.Range(0, n).Select(i => (uint)(8 + 8 * (i % 7)))];
        return new HeapGraph(new int[n], sizes, offsets, targets, roots, n);
    }

    /// <summary>Removes each object in turn and sees what becomes unreachable: O(n·(n+e)), fine for 50 nodes.</summary>
    private static (int[] Idom, long[] Retained, bool[] Reachable) BruteForce(HeapGraph graph)
    {
        int n = graph.NodeCount;
        bool[] reachable = Reach(graph, removed: -1);
        var dominatedBy = new List<int>[n];   // strict dominators of each object (the virtual root left implicit)
        for (int v = 0; v < n; v++) dominatedBy[v] = [];
        var retained = new long[n];
        for (int d = 0; d < n; d++)
        {
            if (!reachable[d]) continue;
            bool[] without = Reach(graph, removed: d);
            retained[d] = graph.Sizes[d];
            for (int v = 0; v < n; v++)
            {
                if (v == d || !reachable[v] || without[v]) continue;
                dominatedBy[v].Add(d);
                retained[d] += graph.Sizes[v];
            }
        }
        // The immediate dominator is the strict dominator that all the others dominate: the one with most dominators.
        var idom = new int[n];
        for (int v = 0; v < n; v++)
            idom[v] = dominatedBy[v].Count == 0 ? -1 : dominatedBy[v].MaxBy(d => dominatedBy[d].Count);
        return (idom, retained, reachable);
    }

    private static bool[] Reach(HeapGraph graph, int removed)
    {
        var seen = new bool[graph.NodeCount];
        var stack = new Stack<int>();
        foreach (int r in graph.Roots)
            if (r != removed && !seen[r]) { seen[r] = true; stack.Push(r); }
        while (stack.Count > 0)
        {
            int v = stack.Pop();
            for (int e = graph.Offsets[v]; e < graph.Offsets[v + 1]; e++)
            {
                int w = graph.Edges[e];
                if (w != removed && !seen[w]) { seen[w] = true; stack.Push(w); }
            }
        }
        return seen;
    }
}
