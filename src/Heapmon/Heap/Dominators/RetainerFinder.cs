using System.Collections;
using System.Runtime.CompilerServices;
using Heapmon.Model;

namespace Heapmon.Heap;

/// <summary>
/// One pass down the dominator tree: per type the retained bytes of the outermost reachable instances
/// (nested instances are not counted twice) and, for the chosen retainers, the types they hold. Chosen: the objects with the largest retained size, without those that are most of a larger
/// one already chosen above them, and every object a root holds alone (up to a limit), so that a diff can
/// follow each static field's holdings from one snapshot to the next. Heapmon's own objects (<c>own</c>, by
/// preorder number) are left out with everything they dominate. Reuses the dominator computation's arrays.
/// </summary>
internal sealed class RetainerFinder(GraphWalk walk, DominatorTree tree, Dictionary<int, int> rootOf, BitArray own, int top)
{
    private const int TopLevelLimit = 1000;
    private const int HeldRows = 5;
    private const int PathHead = 5, PathTail = 6;

    private readonly List<int> _chosen = [];
    private readonly Stack<HeldTotals> _spare = new();
    private List<HeapTypeSummary>?[] _held = [];

    /// <summary>Per type index, the retained bytes of its outermost reachable instances, Heapmon's own objects left out.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public long[] Run()
    {
        Choose();
        var slot = new Dictionary<int, int>(_chosen.Count);
        for (int r = 0; r < _chosen.Count; r++) slot[_chosen[r]] = r;
        _held = new List<HeapTypeSummary>?[_chosen.Count];
        (int[] start, int[] kids) = Children();
        HeapGraph graph = walk.Graph;
        int types = walk.TypeNames.Length;
        var retainedByType = new long[types];
        var active = new int[types];
        Span<long> retained = tree.Retained;
        var open = new Stack<(int Retainer, HeldTotals Totals)>();   // chosen retainers above the current object, innermost on top
        int[] stack = tree.Scratch.First;   // preorder numbers to enter, or ~number to leave; never deeper than the tree
        int top = 0;
        for (int k = start[0]; k < start[1]; k++)
            if (!own[kids[k]]) stack[top++] = kids[k];
        while (top > 0)
        {
            int x = stack[--top];
            if (x < 0)
            {
                x = ~x;
                active[graph.TypeIds[tree.Vertex[x]]]--;
                if (open.Count > 0 && _chosen[open.Peek().Retainer] == x) Close(open);
                continue;
            }
            int v = tree.Vertex[x], type = graph.TypeIds[v];
            bool outermost = active[type]++ == 0;
            if (outermost) retainedByType[type] += retained[x];
            if (slot.TryGetValue(x, out int mine)) open.Push((mine, _spare.Count > 0 ? _spare.Pop() : new HeldTotals(types)));
            if (open.Count > 0) open.Peek().Totals.Add(type, graph.Sizes[v], outermost ? retained[x] : 0);
            stack[top++] = ~x;
            for (int k = start[x]; k < start[x + 1]; k++)
                if (!own[kids[k]]) stack[top++] = kids[k];
        }
        return retainedByType;
    }

    /// <summary>Leaves the innermost open retainer: its totals become its held rows and go on into the one around it.</summary>
    private void Close(Stack<(int Retainer, HeldTotals Totals)> open)
    {
        (int r, HeldTotals totals) = open.Pop();
        _held[r] = totals.Rows(walk.TypeNames);
        if (open.Count > 0) open.Peek().Totals.AddAll(totals);
        totals.Clear();
        _spare.Push(totals);
    }

    /// <summary>The chosen retainers as plain data, largest retained first.</summary>
    public List<HeapRetainer> Retainers()
    {
        var result = new List<HeapRetainer>(_chosen.Count);
        for (int r = 0; r < _chosen.Count; r++)
        {
            int x = _chosen[r];
            List<HeapTypeSummary> held = _held[r] ?? [];
            held.Sort(HeapTypeOrder.ByRetained);
            (GcRootKind kind, string root, List<string> path) = PathTo(x);
            int v = tree.Vertex[x];
            result.Add(new HeapRetainer(walk.TypeNames[walk.Graph.TypeIds[v]], walk.Graph.Sizes[v], tree.Retained[x], kind, root, path, held.Take(HeldRows).ToArray()));
        }
        return result;
    }

    [MethodImpl(SnapshotCode.OncePerCall)]
    private void Choose()
    {
        var chosen = new HashSet<int>();
        var topLevel = new PriorityQueue<int, long>();
        var largest = new PriorityQueue<int, long>();
        int candidates = Math.Max(top * 10, 100);
        Span<long> retained = tree.Retained;
        for (int i = 1; i < tree.Count; i++)
        {
            if (own[i]) continue;
            if (tree.Idom[i] == 0) Offer(topLevel, i, retained[i], TopLevelLimit);
            Offer(largest, i, retained[i], candidates);
        }
        int taken = 0;
        foreach (int i in Drain(largest))
        {
            if (taken == top) break;
            if (MostOfAChosenOne(i, chosen)) continue;
            chosen.Add(i);
            taken++;
        }
        foreach (int i in Drain(topLevel)) chosen.Add(i);
        _chosen.AddRange(chosen.OrderByDescending(i => tree.Retained[i]).ThenBy(i => i));
    }

    private static void Offer(PriorityQueue<int, long> queue, int item, long priority, int limit)
    {
        if (queue.Count < limit) queue.Enqueue(item, priority);
        else if (queue.TryPeek(out _, out long smallest) && priority > smallest) queue.EnqueueDequeue(item, priority);
    }

    private static List<int> Drain(PriorityQueue<int, long> queue)
    {
        var items = new List<int>(queue.Count);
        while (queue.TryDequeue(out int i, out _)) items.Add(i);
        items.Reverse();
        return items;
    }

    /// <summary>Whether a chosen dominator close above <paramref name="x"/> retains less than twice what it does: the same memory, shown once.</summary>
    private bool MostOfAChosenOne(int x, HashSet<int> chosen)
    {
        int steps = 0;
        for (int d = tree.Idom[x]; d != 0 && steps < 64; d = tree.Idom[d], steps++)
            if (chosen.Contains(d)) return tree.Retained[x] * 2 >= tree.Retained[d];
        return false;
    }

    /// <summary>The dominator tree's children lists (CSR), in the dominator computation's spare arrays.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private (int[] Start, int[] Kids) Children()
    {
        int n = tree.Count;
        int[] start = tree.Scratch.Offsets, kids = tree.Scratch.Items;
        Array.Clear(start, 0, n + 1);
        for (int i = 1; i < n; i++) start[tree.Idom[i] + 1]++;
        for (int i = 1; i <= n; i++) start[i] += start[i - 1];
        // Fill through the row starts, then shift them back: no second cursor array.
        for (int i = 1; i < n; i++) kids[start[tree.Idom[i]]++] = i;
        for (int i = n; i >= 1; i--) start[i] = start[i - 1];
        start[0] = 0;
        return (start, kids);
    }

    /// <summary>The root and the types along the dominator path down to <paramref name="x"/>, elided in the middle when long.</summary>
    private (GcRootKind, string, List<string>) PathTo(int x)
    {
        var chain = new List<int>();
        for (int d = x; d != 0; d = tree.Idom[d]) chain.Add(d);
        chain.Reverse();
        var path = new List<string>(Math.Min(chain.Count, PathHead + PathTail + 1));
        for (int i = 0; i < chain.Count; i++)
        {
            if (chain.Count > PathHead + PathTail + 1 && i == PathHead)
            {
                path.Add($"… {chain.Count - PathHead - PathTail} more …");
                i = chain.Count - PathTail - 1;
                continue;
            }
            path.Add(walk.TypeNames[walk.Graph.TypeIds[tree.Vertex[chain[i]]]]);
        }
        int root = rootOf.GetValueOrDefault(chain[0], -1);
        return root >= 0
            ? (walk.RootKinds[root], walk.RootLabels[root], path)
            : (GcRootKind.Other, "several roots (no single root holds it alone)", path);
    }
}
