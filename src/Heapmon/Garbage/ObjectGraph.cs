namespace Heapmon.Garbage;

/// <summary>
/// A directed object graph in compressed sparse row form: node i's successors are
/// <c>Targets[Starts[i]..Starts[i + 1]]</c>. Nodes are numbered in discovery order, so a BFS can
/// append each node's edges as it goes. Describing nodes and edges is left to the builder
/// (live objects or ClrMD addresses), which turns them into plain records.
/// </summary>
internal sealed class ObjectGraph
{
    public ObjectGraph(int nodeCount, int[] starts, int[] targets)
    {
        NodeCount = nodeCount;
        Starts = starts;
        Targets = targets;
    }

    public int NodeCount { get; }

    /// <summary>NodeCount + 1 offsets into <see cref="Targets"/>.</summary>
    public int[] Starts { get; }

    public int[] Targets { get; }

    public int EdgeCount => Starts[NodeCount];

    public ReadOnlySpan<int> Successors(int node) => Targets.AsSpan(Starts[node], Starts[node + 1] - Starts[node]);

    /// <summary>The predecessor lists of every node (the graph reversed), for walks from a target back to roots.</summary>
    public ObjectGraph Reverse()
    {
        var starts = new int[NodeCount + 1];
        foreach (int t in Targets.AsSpan(0, EdgeCount)) starts[t + 1]++;
        for (int i = 0; i < NodeCount; i++) starts[i + 1] += starts[i];
        var fill = (int[])starts.Clone();
        var targets = new int[EdgeCount];
        for (int from = 0; from < NodeCount; from++)
            foreach (int to in Successors(from))
                targets[fill[to]++] = from;
        return new ObjectGraph(NodeCount, starts, targets);
    }
}

/// <summary>Builds an <see cref="ObjectGraph"/> while nodes are visited in index order.</summary>
internal sealed class ObjectGraphBuilder
{
    private int[] _starts = new int[1024];
    private int[] _targets = new int[4096];
    private int _edges;
    private int _closed;

    /// <summary>Starts the edge list of the next node; nodes must be opened in order 0, 1, 2, ...</summary>
    public void BeginNode(int node)
    {
        if (node != _closed) throw new InvalidOperationException("Nodes must be visited in index order.");
        if (node + 2 > _starts.Length) Array.Resize(ref _starts, _starts.Length * 2);
        _starts[node] = _edges;
        _closed = node + 1;
    }

    public void AddEdge(int target)
    {
        if (_edges == _targets.Length) Array.Resize(ref _targets, _targets.Length * 2);
        _targets[_edges++] = target;
    }

    /// <summary>Closes the graph: <paramref name="nodeCount"/> nodes, the ones never opened have no edges.</summary>
    public ObjectGraph Build(int nodeCount)
    {
        if (nodeCount + 1 > _starts.Length) Array.Resize(ref _starts, nodeCount + 1);
        for (int i = _closed; i <= nodeCount; i++) _starts[i] = _edges;
        return new ObjectGraph(nodeCount, _starts, _targets);
    }
}
