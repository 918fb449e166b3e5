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
    private readonly Stack<(int Retainer, HeldTotals Totals)> _open = new();   // chosen retainers above the current object, innermost on top
    private readonly Dictionary<int, int> _slot = [];
    private List<HeapTypeSummary>?[] _held = [];
    private long[] _retainedByType = null!;   // not [], a cached empty array: it would stay on the program's heap
    private int[] _active = null!;   // per type, instances on the path from the root to the current object

    /// <summary>Per type index, the retained bytes of its outermost reachable instances, Heapmon's own objects left out.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public long[] Run()
    {
        Choose();
        _slot.EnsureCapacity(_chosen.Count);
        for (int r = 0; r < _chosen.Count; r++) _slot[_chosen[r]] = r;
        _held = new List<HeapTypeSummary>?[_chosen.Count];
        (int[] start, int[] kids) = Children();
        int types = walk.TypeNames.Length;
        _retainedByType = new long[types];
        _active = new int[types];
        int[] idom = tree.Idom;
        // Depth first, children from the highest number down, with no stack: the parent is the immediate dominator,
        // and the next sibling is found by a binary search among the parent's children (in ascending order).
        int x = LastKept(kids, start[0], start[1]);
        while (x > 0)
        {
            Enter(x, types);
            int child = LastKept(kids, start[x], start[x + 1]);
            if (child > 0)
            {
                x = child;
                continue;
            }
            while (true)
            {
                Leave(x);
                int p = idom[x];
                int at = IndexOf(kids, start[p], start[p + 1], x);
                int sibling = LastKept(kids, start[p], at);
                if (sibling > 0 || p == 0)
                {
                    x = sibling;
                    break;
                }
                x = p;
            }
        }
        return _retainedByType;
    }

    /// <summary>The last of <c>kids[from..end)</c> that is not Heapmon's own, or 0 when there is none.</summary>
    private int LastKept(int[] kids, int from, int end)
    {
        for (int k = end - 1; k >= from; k--)
            if (!own[kids[k]]) return kids[k];
        return 0;
    }

    /// <summary>Where <paramref name="x"/> is in the ascending <c>kids[from..end)</c> (Array.BinarySearch would leave a sort helper on the program's heap).</summary>
    private static int IndexOf(int[] kids, int from, int end, int x)
    {
        int lo = from, hi = end - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (kids[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private void Enter(int x, int types)
    {
        HeapGraph graph = walk.Graph;
        int v = tree.Vertex[x], type = graph.TypeIds[v];
        long retained = tree.Retained[x];
        bool outermost = _active[type]++ == 0;
        if (outermost) _retainedByType[type] += retained;
        if (_slot.TryGetValue(x, out int mine)) _open.Push((mine, _spare.Count > 0 ? _spare.Pop() : new HeldTotals(types)));
        if (_open.Count > 0) _open.Peek().Totals.Add(type, graph.Sizes[v], outermost ? retained : 0);
    }

    private void Leave(int x)
    {
        _active[walk.Graph.TypeIds[tree.Vertex[x]]]--;
        if (_open.Count > 0 && _chosen[_open.Peek().Retainer] == x) Close(_open);
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
