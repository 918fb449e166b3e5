namespace Heapmon.Garbage;

/// <summary>
/// Tarjan's strongly connected components, iterative: an explicit stack of (node, next edge)
/// frames instead of recursion, so a million-long chain cannot overflow the thread's stack.
/// </summary>
internal static class TarjanScc
{
    /// <summary>
    /// The components that are cycles: more than one node, or one node with an edge to itself.
    /// Each component lists its nodes in ascending index order.
    /// </summary>
    public static List<int[]> FindCycles(ObjectGraph graph, CancellationToken cancel = default)
    {
        int n = graph.NodeCount;
        int[] starts = graph.Starts, targets = graph.Targets;
        var index = new int[n];          // 0 = unvisited, else discovery order + 1
        var low = new int[n];
        var onStack = new bool[n];
        var sccStack = new int[n];
        int sccTop = 0;
        var callNode = new int[n];       // explicit DFS stack: node and its next edge position
        var callEdge = new int[n];
        int next = 1;
        var cycles = new List<int[]>();

        for (int root = 0; root < n; root++)
        {
            if (index[root] != 0) continue;
            if ((root & 0xFFFF) == 0) cancel.ThrowIfCancellationRequested();
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = starts[root];
            index[root] = low[root] = next++;
            sccStack[sccTop++] = root;
            onStack[root] = true;

            while (depth >= 0)
            {
                int v = callNode[depth];
                int e = callEdge[depth];
                if (e < starts[v + 1])
                {
                    callEdge[depth] = e + 1;
                    int w = targets[e];
                    if (index[w] == 0)
                    {
                        index[w] = low[w] = next++;
                        sccStack[sccTop++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = starts[w];
                    }
                    else if (onStack[w] && index[w] < low[v])
                    {
                        low[v] = index[w];
                    }
                    continue;
                }

                // All of v's edges are done: v closes a component if it is its own low link.
                if (low[v] == index[v])
                {
                    int start = sccTop;
                    do { start--; onStack[sccStack[start]] = false; } while (sccStack[start] != v);
                    int size = sccTop - start;
                    if (size > 1 || HasSelfEdge(graph, v))
                    {
                        int[] component = sccStack.AsSpan(start, size).ToArray();
                        Array.Sort(component);
                        cycles.Add(component);
                    }
                    sccTop = start;
                }
                depth--;
                if (depth >= 0)
                {
                    int parent = callNode[depth];
                    if (low[v] < low[parent]) low[parent] = low[v];
                }
            }
        }
        return cycles;
    }

    private static bool HasSelfEdge(ObjectGraph graph, int v)
    {
        foreach (int w in graph.Successors(v))
            if (w == v) return true;
        return false;
    }
}
