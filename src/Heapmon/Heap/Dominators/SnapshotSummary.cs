using System.Collections;
using System.Runtime.CompilerServices;
using Heapmon.Model;

namespace Heapmon.Heap;

/// <summary>Turns a graph walk and its dominator tree into the plain <see cref="HeapSnapshotData"/>.</summary>
internal static class SnapshotSummary
{
    [MethodImpl(SnapshotCode.OncePerCall)]
    public static HeapSnapshotData Build(GraphWalk walk, DominatorTree tree, HeapSnapshotOptions options,
        DateTimeOffset timestamp, int processId, string processName, HeapProcessFigures figures)
    {
        HeapGraph graph = walk.Graph;
        int typeCount = walk.TypeNames.Length;
        Dictionary<int, int> rootOf = FirstRoots(walk, tree, out HashSet<int> ownTop);
        BitArray own = Own(walk, tree, ownTop);
        var retainers = new RetainerFinder(walk, tree, rootOf, own, options.TopRetainers);
        long[] retainedByType = retainers.Run();
        var counts = new long[typeCount];
        var bytes = new long[typeCount];

        // Every object walked counts, as in dumpheap -stat: those no root seen here reaches are held by a
        // stack (invisible in-process) or were made during the walk; they only retain nothing. They are all
        // Heapmon's own objects are left out.
        long unreachedCount = graph.NodeCount - (tree.Count - 1), unreachedBytes = -tree.Retained[0];
        for (int v = 0; v < graph.NodeCount; v++)
        {
            counts[graph.TypeIds[v]]++;
            bytes[graph.TypeIds[v]] += graph.Sizes[v];
            unreachedBytes += graph.Sizes[v];
        }
        for (int i = 1; i < tree.Count; i++)
        {
            if (!own[i]) continue;
            int v = tree.Vertex[i];
            counts[graph.TypeIds[v]]--;
            bytes[graph.TypeIds[v]] -= graph.Sizes[v];
        }
        var types = new List<HeapTypeSummary>(typeCount);
        for (int t = 0; t < typeCount; t++)
            if (counts[t] > 0) types.Add(new HeapTypeSummary(walk.TypeNames[t], counts[t], bytes[t], retainedByType[t]));
        types.Sort(HeapTypeOrder.ByRetained);

        return new HeapSnapshotData(timestamp, processId, processName, figures, types, Roots(walk, tree, rootOf, ownTop), retainers.Retainers(),
            unreachedCount, unreachedBytes)
        {
            Graph = options.IncludeGraph ? Keep(walk, types) : null,
        };
    }

    /// <summary>
    /// For each object a root points at, by preorder number, the index of the root that names it best
    /// (a static field before a thread static, a handle, the finalizer queue); -1 elsewhere. In
    /// <paramref name="ownTop"/>, the numbers of those only Heapmon's own statics hold.
    /// </summary>
    private static Dictionary<int, int> FirstRoots(GraphWalk walk, DominatorTree tree, out HashSet<int> ownTop)
    {
        var preOf = new Dictionary<int, int>(walk.Graph.Roots.Length);
        foreach (int r in walk.Graph.Roots) preOf.TryAdd(r, -1);
        for (int i = 1; i < tree.Count; i++)
            if (tree.Idom[i] == 0 && preOf.ContainsKey(tree.Vertex[i])) preOf[tree.Vertex[i]] = i;
        var best = new Dictionary<int, int>(preOf.Count);
        ownTop = [];
        var shared = new HashSet<int>();
        for (int r = 0; r < walk.Graph.Roots.Length; r++)
        {
            int i = preOf[walk.Graph.Roots[r]];
            if (i < 0) continue;
            if (!best.TryGetValue(i, out int b) || walk.RootKinds[r] < walk.RootKinds[b]) best[i] = r;
            if (walk.RootOwn[r]) ownTop.Add(i);
            else shared.Add(i);
        }
        ownTop.ExceptWith(shared);
        return best;
    }

    /// <summary>
    /// Heapmon's own objects, by preorder number: what only Heapmon's statics hold, ClrMD's objects and
    /// Heapmon's walk machinery, and everything they dominate. One pass: a dominator precedes in preorder.
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private static BitArray Own(GraphWalk walk, DominatorTree tree, HashSet<int> ownTop)
    {
        var ownType = new bool[walk.TypeNames.Length];
        for (int t = 0; t < ownType.Length; t++)
        {
            string name = walk.TypeNames[t];
            ownType[t] = name.StartsWith("Microsoft.Diagnostics.Runtime.", StringComparison.Ordinal) || name.StartsWith("Heapmon.Heap.", StringComparison.Ordinal);
        }
        var own = new BitArray(tree.Count);   // a bit per object, not a byte
        for (int i = 1; i < tree.Count; i++)
            own[i] = own[tree.Idom[i]] || ownTop.Contains(i) || ownType[walk.Graph.TypeIds[tree.Vertex[i]]];
        return own;
    }

    private static List<HeapRootSummary> Roots(GraphWalk walk, DominatorTree tree, Dictionary<int, int> rootOf, HashSet<int> ownTop)
    {
        var count = new long[Enum.GetValues<GcRootKind>().Length];
        var retained = new long[count.Length];
        foreach (GcRootKind kind in walk.RootKinds) count[(int)kind]++;
        foreach ((int i, int root) in rootOf)
            if (!ownTop.Contains(i)) retained[(int)walk.RootKinds[root]] += tree.Retained[i];
        var roots = new List<HeapRootSummary>();
        for (int k = 0; k < count.Length; k++)
            if (count[k] > 0) roots.Add(new HeapRootSummary((GcRootKind)k, count[k], retained[k]));
        return roots;
    }

    /// <summary>The graph for the file, with type ids renumbered to rows of <paramref name="types"/>.</summary>
    private static SnapshotGraph Keep(GraphWalk walk, List<HeapTypeSummary> types)
    {
        var row = new Dictionary<string, int>(types.Count, StringComparer.Ordinal);
        for (int i = 0; i < types.Count; i++) row[types[i].TypeName] = i;
        HeapGraph g = walk.Graph;
        // Unreached objects' types may have no row: they get a row index past the table, read back as "(unreached)".
        var map = new int[walk.TypeNames.Length];
        for (int t = 0; t < map.Length; t++) map[t] = row.TryGetValue(walk.TypeNames[t], out int r) ? r : types.Count;
        var nodeTypes = new int[g.NodeCount];
        for (int v = 0; v < nodeTypes.Length; v++) nodeTypes[v] = map[g.TypeIds[v]];
        return new SnapshotGraph(nodeTypes, g.Sizes.ToArray(g.NodeCount), g.Offsets[..(g.NodeCount + 1)], g.Edges[..g.EdgeCount],
            g.Roots, walk.RootKinds, walk.RootLabels);
    }
}
