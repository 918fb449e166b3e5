using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapmon.Heap;

/// <summary>
/// The dominator tree of a <see cref="HeapGraph"/> from a virtual root above all GC roots, with the
/// retained size of every reachable object (the bytes a collection would free if it died: the
/// shallow sizes of its dominator subtree). Objects are numbered in depth-first preorder from the
/// virtual root (number 0); an object's immediate dominator always has a smaller number.
/// </summary>
internal sealed class DominatorTree
{
    private readonly long[] _retained;   // first the semidominator and label arrays: two ints per vertex, then one long

    private DominatorTree(int[] vertex, int[] idom, long[] retained, int count, DominatorScratch scratch)
    {
        Vertex = vertex;
        Idom = idom;
        _retained = retained;
        Count = count;
        Scratch = scratch;
    }

    /// <summary>Reachable objects plus the virtual root (preorder numbers 0..Count-1).</summary>
    public int Count { get; }

    /// <summary>Preorder number → object id (<c>Vertex[0]</c> is -1, the virtual root).</summary>
    public int[] Vertex { get; }

    /// <summary>Preorder number → the preorder number of its immediate dominator (0 is the virtual root; <c>Idom[0]</c> is 0).</summary>
    public int[] Idom { get; }

    /// <summary>Preorder number → retained bytes; <c>Retained[0]</c> is every reachable byte.</summary>
    public Span<long> Retained => _retained.AsSpan(0, Count);

    /// <summary>Arrays the computation is done with, for the next step to reuse rather than allocate.</summary>
    public DominatorScratch Scratch { get; }

    /// <summary>
    /// Computes the tree by semi-NCA (Georgiadis, Tarjan and Werneck's "Finding dominators in practice"):
    /// semidominators as in Lengauer–Tarjan with path compression, then each immediate dominator as the
    /// nearest common ancestor of its semidominator and parent. Near-linear; arrays of ints only, and
    /// the ones a phase is done with are reused by the next. With <paramref name="consumeGraph"/>, the
    /// graph's row starts are overwritten (with the immediate dominators) and its references (with the
    /// semidominators' labels) rather than new arrays allocated. A <paramref name="spare"/> array of at
    /// least one long per object and two more (the walk's addresses, once read) holds the preorder numbers
    /// and the DFS cursor, then the semidominators and the predecessors' row starts, then the retained sizes.
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public static DominatorTree Compute(HeapGraph graph, bool consumeGraph = false, long[]? spare = null)
    {
        int n = graph.NodeCount;
        long[] store = spare is not null && spare.Length >= n + 2 ? spare : new long[n + 2];
        // The store as ints: [0, n + 1) first object id -> preorder number (0: not reached), then the
        // semidominators; [n + 1, 2n + 4) first the DFS cursor, then the predecessors' row starts.
        Span<int> ints = MemoryMarshal.Cast<long, int>(store.AsSpan(0, n + 2));
        Span<int> pre = ints[..(n + 1)], predOffsets = ints[(n + 1)..];
        pre.Clear();
        var vertex = new int[n + 1];           // preorder number -> object id
        var parent = new int[n + 2];           // preorder number -> DFS parent's preorder number; later the children's row starts
        int count = DepthFirst(graph, pre, vertex, parent, predOffsets);
        int[] preds = Predecessors(graph, pre, vertex, parent, count, predOffsets);

        int[] idom = consumeGraph ? graph.Offsets : new int[count];
        Array.Copy(parent, idom, count);
        int[] ancestor = parent;               // parent lives on in idom; path compression rewrites it
        // The graph's references are done with too: when there is room, they hold the labels.
        int[] label = consumeGraph && graph.Edges.Length >= count ? graph.Edges : new int[count];
        Span<int> semi = pre[..count];         // object ids are no longer needed
        for (int i = 0; i < count; i++) semi[i] = label[i] = i;
        Semidominators(predOffsets, preds, ancestor, semi, label, count);
        for (int w = 2; w < count; w++)
        {
            int d = idom[w];
            while (d > semi[w]) d = idom[d];
            idom[w] = d;
        }
        idom[0] = 0;

        // Semidominators and predecessors are done with: the store becomes the retained sizes.
        Span<long> retained = store.AsSpan(0, count);
        retained.Clear();
        for (int i = count - 1; i >= 1; i--)
        {
            retained[i] += graph.Sizes[vertex[i]];
            retained[idom[i]] += retained[i];
        }
        vertex[0] = -1;
        return new DominatorTree(vertex, idom, store, count, new DominatorScratch(parent, label));
    }

    /// <summary>Iterative DFS from the virtual root with a cursor per vertex and the parent chain as stack.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private static int DepthFirst(HeapGraph graph, Span<int> pre, int[] vertex, int[] parent, Span<int> cursor)
    {
        int[] offsets = graph.Offsets, edges = graph.Edges, roots = graph.Roots;
        int next = 1, current = 0, rootCursor = 0;
        while (true)
        {
            int found = -1;
            if (current == 0)
            {
                while (rootCursor < roots.Length)
                {
                    int c = roots[rootCursor++];
                    if (pre[c] == 0) { found = c; break; }
                }
            }
            else
            {
                int e = cursor[current], end = offsets[vertex[current] + 1];
                while (e < end)
                {
                    int c = edges[e++];
                    if (pre[c] == 0) { found = c; break; }
                }
                cursor[current] = e;
            }
            if (found < 0)
            {
                if (current == 0) return next;
                current = parent[current];
                continue;
            }
            pre[found] = next;
            vertex[next] = found;
            parent[next] = current;
            cursor[next] = offsets[found];
            current = next++;
        }
    }

    /// <summary>
    /// The predecessors of every reached vertex as CSR over preorder numbers, in <paramref name="offsets"/> (reused),
    /// without the DFS tree's own edges (a vertex's parent is always a candidate semidominator, see
    /// <see cref="Semidominators"/>): on a heap most references are tree edges, so the array is a fraction of the references.
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private static int[] Predecessors(HeapGraph graph, Span<int> pre, int[] vertex, int[] parent, int count, Span<int> offsets)
    {
        int[] fwdOffsets = graph.Offsets, edges = graph.Edges;
        offsets[..(count + 1)].Clear();
        foreach (int r in graph.Roots)
            if (parent[pre[r]] != 0) offsets[pre[r] + 1]++;
        for (int i = 1; i < count; i++)
        {
            int v = vertex[i];
            for (int e = fwdOffsets[v], end = fwdOffsets[v + 1]; e < end; e++)
            {
                int t = pre[edges[e]];
                if (parent[t] != i) offsets[t + 1]++;
            }
        }
        for (int i = 1; i <= count; i++) offsets[i] += offsets[i - 1];
        var preds = new int[offsets[count]];
        // Fill through the row starts, then shift them back: no second cursor array.
        foreach (int r in graph.Roots)
            if (parent[pre[r]] != 0) preds[offsets[pre[r]]++] = 0;
        for (int i = 1; i < count; i++)
        {
            int v = vertex[i];
            for (int e = fwdOffsets[v], end = fwdOffsets[v + 1]; e < end; e++)
            {
                int t = pre[edges[e]];
                if (parent[t] != i) preds[offsets[t]++] = i;
            }
        }
        for (int i = count; i >= 1; i--) offsets[i] = offsets[i - 1];
        offsets[0] = 0;
        return preds;
    }

    /// <summary>
    /// Semidominators in reverse preorder. Vertices above <c>w</c> are linked to their parents; a
    /// vertex is linked exactly when its number is greater than the one being processed, so the
    /// ancestor array needs no "unlinked" mark and can be the parent array itself. The parent, numbered below
    /// <c>w</c>, is the first candidate: its edge to <c>w</c> is not among the predecessors, and <c>ancestor[w]</c>,
    /// not linked yet, still holds it.
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private static void Semidominators(Span<int> predOffsets, int[] preds, int[] ancestor, Span<int> semi, int[] label, int count)
    {
        for (int w = count - 1; w >= 1; w--)
        {
            int best = Math.Min(semi[w], ancestor[w]);
            for (int p = predOffsets[w], end = predOffsets[w + 1]; p < end; p++)
            {
                int v = preds[p];
                if (v > w)
                {
                    Compress(v, w, ancestor, semi, label);
                    v = label[v];
                }
                if (semi[v] < best) best = semi[v];
            }
            semi[w] = best;
        }
    }

    /// <summary>
    /// Path compression towards the linked forest's root, iteratively (heap paths can be millions long) and
    /// with no stack: the way up reverses the ancestor links, the way back down follows and compresses them.
    /// </summary>
    private static void Compress(int v, int w, int[] ancestor, Span<int> semi, int[] label)
    {
        // Up while the ancestor itself is linked (numbered above w), each link turned to point back down.
        int below = -1, x = v;
        while (ancestor[x] > w)
        {
            int up = ancestor[x];
            ancestor[x] = below;
            below = x;
            x = up;
        }
        // Down: each vertex's original ancestor is the one just left, already compressed.
        for (int a = x; below >= 0;)
        {
            int next = ancestor[below];
            if (semi[label[a]] < semi[label[below]]) label[below] = label[a];
            ancestor[below] = ancestor[a];
            a = below;
            below = next;
        }
    }
}

/// <summary>
/// Arrays a <see cref="DominatorTree"/> computation no longer needs, handed to the next step: one of at least
/// <c>Count + 1</c> ints (<see cref="Offsets"/>) and one of at least <c>Count - 1</c> (<see cref="Items"/>).
/// </summary>
internal sealed record DominatorScratch(int[] Offsets, int[] Items);
