using Heapmon.Model;

namespace Heapmon.Heap;

/// <summary>Turns a graph walk and its dominator tree into the plain <see cref="HeapSnapshotData"/>.</summary>
internal static class SnapshotSummary
{
    public static HeapSnapshotData Build(GraphWalk walk, DominatorTree tree, HeapSnapshotOptions options,
        DateTimeOffset timestamp, int processId, string processName, HeapProcessFigures figures)
    {
        HeapGraph graph = walk.Graph;
        int typeCount = walk.TypeNames.Length;
        int[] rootOf = FirstRoots(walk, tree, out bool[] ownTop);
        bool[] own = Own(walk, tree, ownTop);
        var retainers = new RetainerFinder(walk, tree, rootOf, own, options.TopRetainers);
        (long[] counts, long[] bytes, long[] retainedByType) = retainers.Run();

        // Every object walked counts, as in dumpheap -stat: those no root seen here reaches are held by a
        // stack (invisible in-process) or were made during the walk; they only retain nothing.
        var reached = new bool[graph.NodeCount];
        for (int i = 1; i < tree.Count; i++) reached[tree.Vertex[i]] = true;
        long unreachedCount = 0, unreachedBytes = 0;
        for (int v = 0; v < graph.NodeCount; v++)
        {
            if (reached[v]) continue;
            counts[graph.TypeIds[v]]++;
            bytes[graph.TypeIds[v]] += graph.Sizes[v];
            unreachedCount++;
            unreachedBytes += graph.Sizes[v];
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
    /// <paramref name="own"/>, those only Heapmon's own statics hold.
    /// </summary>
    private static int[] FirstRoots(GraphWalk walk, DominatorTree tree, out bool[] own)
    {
        var preOf = new Dictionary<int, int>(walk.Graph.Roots.Length);
        for (int i = 1; i < tree.Count && preOf.Count < walk.Graph.Roots.Length; i++)
            if (tree.Idom[i] == 0) preOf[tree.Vertex[i]] = i;
        var best = new int[tree.Count];
        Array.Fill(best, -1);
        own = new bool[tree.Count];
        var shared = new bool[tree.Count];
        for (int r = 0; r < walk.Graph.Roots.Length; r++)
        {
            if (!preOf.TryGetValue(walk.Graph.Roots[r], out int i)) continue;
            if (best[i] < 0 || walk.RootKinds[r] < walk.RootKinds[best[i]]) best[i] = r;
            if (walk.RootOwn[r]) own[i] = true;
            else shared[i] = true;
        }
        for (int i = 0; i < own.Length; i++) own[i] &= !shared[i];
        return best;
    }

    /// <summary>
    /// Heapmon's own objects, by preorder number: what only Heapmon's statics hold, ClrMD's objects and
    /// Heapmon's walk machinery, and everything they dominate. One pass: a dominator precedes in preorder.
    /// </summary>
    private static bool[] Own(GraphWalk walk, DominatorTree tree, bool[] ownTop)
    {
        var ownType = new bool[walk.TypeNames.Length];
        for (int t = 0; t < ownType.Length; t++)
        {
            string name = walk.TypeNames[t];
            ownType[t] = name.StartsWith("Microsoft.Diagnostics.Runtime.", StringComparison.Ordinal) || name.StartsWith("Heapmon.Heap.", StringComparison.Ordinal);
        }
        var own = new bool[tree.Count];
        for (int i = 1; i < tree.Count; i++)
            own[i] = ownTop[i] || own[tree.Idom[i]] || ownType[walk.Graph.TypeIds[tree.Vertex[i]]];
        return own;
    }

    private static List<HeapRootSummary> Roots(GraphWalk walk, DominatorTree tree, int[] rootOf, bool[] own)
    {
        var count = new long[Enum.GetValues<HeapRootKind>().Length];
        var retained = new long[count.Length];
        foreach (HeapRootKind kind in walk.RootKinds) count[(int)kind]++;
        for (int i = 1; i < tree.Count; i++)
            if (tree.Idom[i] == 0 && rootOf[i] >= 0 && !own[i]) retained[(int)walk.RootKinds[rootOf[i]]] += tree.Retained[i];
        var roots = new List<HeapRootSummary>();
        for (int k = 0; k < count.Length; k++)
            if (count[k] > 0) roots.Add(new HeapRootSummary((HeapRootKind)k, count[k], retained[k]));
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
        return new SnapshotGraph(nodeTypes, g.Sizes[..g.NodeCount], g.Offsets[..(g.NodeCount + 1)], g.Edges[..g.EdgeCount],
            g.Roots, walk.RootKinds, walk.RootLabels);
    }
}
