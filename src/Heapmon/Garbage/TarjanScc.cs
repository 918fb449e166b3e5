namespace Heapmon.Garbage;

/// <summary>
/// Tarjan's strongly connected components, iterative: an explicit stack of (node, next edge)
/// frames instead of recursion, so a million-long chain cannot overflow the thread's stack.
/// </summary>
internal sealed class TarjanScc
{
    private readonly ObjectGraph _graph;
    private readonly int[] _starts, _targets;
    private readonly int[] _index;          // 0 = unvisited, else discovery order + 1
    private readonly int[] _low;
    private readonly bool[] _onStack;
    private readonly int[] _sccStack;
    private readonly int[] _callNode;       // explicit DFS stack: node and its next edge position
    private readonly int[] _callEdge;
    private readonly List<int[]> _cycles = [];
    private int _sccTop;
    private int _next = 1;

    private TarjanScc(ObjectGraph graph)
    {
        int n = graph.NodeCount;
        _graph = graph;
        (_starts, _targets) = (graph.Starts, graph.Targets);
        (_index, _low, _onStack, _sccStack, _callNode, _callEdge) = (new int[n], new int[n], new bool[n], new int[n], new int[n], new int[n]);
    }

    /// <summary>
    /// The components that are cycles: more than one node, or one node with an edge to itself.
    /// Each component lists its nodes in ascending index order.
    /// </summary>
    public static List<int[]> FindCycles(ObjectGraph graph, CancellationToken cancel = default)
    {
        var search = new TarjanScc(graph);
        for (int root = 0; root < graph.NodeCount; root++)
        {
            if (search._index[root] != 0) continue;
            if ((root & 0xFFFF) == 0) cancel.ThrowIfCancellationRequested();
            search.SearchFrom(root);
        }
        return search._cycles;
    }

    private void Discover(int v, int depth)
    {
        _index[v] = _low[v] = _next++;
        _sccStack[_sccTop++] = v;
        _onStack[v] = true;
        _callNode[depth] = v;
        _callEdge[depth] = _starts[v];
    }

    private void SearchFrom(int root)
    {
        int depth = 0;
        Discover(root, 0);
        while (depth >= 0)
        {
            int v = _callNode[depth];
            int e = _callEdge[depth];
            if (e < _starts[v + 1])
            {
                _callEdge[depth] = e + 1;
                int w = _targets[e];
                if (_index[w] == 0) Discover(w, ++depth);
                else if (_onStack[w] && _index[w] < _low[v]) _low[v] = _index[w];
                continue;
            }

            // All of v's edges are done: v closes a component if it is its own low link.
            if (_low[v] == _index[v]) CloseComponent(v);
            depth--;
            if (depth >= 0)
            {
                int parent = _callNode[depth];
                if (_low[v] < _low[parent]) _low[parent] = _low[v];
            }
        }
    }

    private void CloseComponent(int v)
    {
        int start = _sccTop;
        do { start--; _onStack[_sccStack[start]] = false; } while (_sccStack[start] != v);
        int size = _sccTop - start;
        if (size > 1 || HasSelfEdge(v))
        {
            int[] component = _sccStack.AsSpan(start, size).ToArray();
            Array.Sort(component);
            _cycles.Add(component);
        }
        _sccTop = start;
    }

    private bool HasSelfEdge(int v)
    {
        foreach (int w in _graph.Successors(v))
            if (w == v) return true;
        return false;
    }
}
