using System.Runtime.InteropServices;
using Heapmon.Model;

namespace Heapmon.Heap;

/// <summary>
/// One pass down the dominator tree: the retained bytes of each type (its outermost instances'
/// retained sizes, so nested instances are not counted twice) and, for the chosen retainers, the
/// types they hold. Chosen: the objects with the largest retained size, without those that are most
/// of a larger one already chosen above them, and every object a root holds alone (up to a limit),
/// so that a diff can follow each static field's holdings from one snapshot to the next. Heapmon's own
/// objects (<c>own</c>, by preorder number) are left out with everything they dominate.
/// </summary>
internal sealed class RetainerFinder(GraphWalk walk, DominatorTree tree, int[] rootOf, bool[] own, int top)
{
    private const int TopLevelLimit = 1000;
    private const int HeldRows = 5;
    private const int PathHead = 5, PathTail = 6;

    private readonly List<int> _chosen = [];
    private readonly Dictionary<(int Retainer, int Type), Held> _held = [];

    private struct Held
    {
        public long Count, Bytes, Retained;
    }

    /// <summary>Per type index: reachable instances, their shallow bytes and retained bytes, Heapmon's own objects left out.</summary>
    public (long[] Count, long[] Bytes, long[] Retained) Run()
    {
        Choose();
        var slot = new Dictionary<int, int>(_chosen.Count);
        for (int r = 0; r < _chosen.Count; r++) slot[_chosen[r]] = r;
        (int[] start, int[] kids) = Children();
        HeapGraph graph = walk.Graph;
        var retainedByType = new long[walk.TypeNames.Length];
        var countByType = new long[walk.TypeNames.Length];
        var bytesByType = new long[walk.TypeNames.Length];
        var active = new int[walk.TypeNames.Length];
        var open = new List<int>();                       // chosen retainers above the current object
        var stack = new Stack<int>();
        for (int k = start[0]; k < start[1]; k++)
            if (!own[kids[k]]) stack.Push(kids[k]);
        while (stack.Count > 0)
        {
            int x = stack.Pop();
            if (x < 0)
            {
                x = ~x;
                active[graph.TypeIds[tree.Vertex[x]]]--;
                if (open.Count > 0 && _chosen[open[^1]] == x) open.RemoveAt(open.Count - 1);
                continue;
            }
            int type = graph.TypeIds[tree.Vertex[x]];
            countByType[type]++;
            bytesByType[type] += graph.Sizes[tree.Vertex[x]];
            bool outermost = active[type]++ == 0;
            if (outermost) retainedByType[type] += tree.Retained[x];
            if (slot.TryGetValue(x, out int mine)) open.Add(mine);
            foreach (int r in open)
            {
                ref Held held = ref CollectionsMarshal.GetValueRefOrAddDefault(_held, (r, type), out _);
                held.Count++;
                held.Bytes += graph.Sizes[tree.Vertex[x]];
                if (outermost) held.Retained += tree.Retained[x];
            }
            stack.Push(~x);
            for (int k = start[x]; k < start[x + 1]; k++)
                if (!own[kids[k]]) stack.Push(kids[k]);
        }
        return (countByType, bytesByType, retainedByType);
    }

    /// <summary>The chosen retainers as plain data, largest retained first.</summary>
    public List<HeapRetainer> Retainers()
    {
        var byRetainer = new Dictionary<int, List<HeapTypeSummary>>();
        foreach (((int r, int type), Held held) in _held)
        {
            if (!byRetainer.TryGetValue(r, out List<HeapTypeSummary>? list)) byRetainer[r] = list = [];
            list.Add(new HeapTypeSummary(walk.TypeNames[type], held.Count, held.Bytes, held.Retained));
        }
        var result = new List<HeapRetainer>(_chosen.Count);
        for (int r = 0; r < _chosen.Count; r++)
        {
            int x = _chosen[r];
            List<HeapTypeSummary> held = byRetainer.GetValueOrDefault(r) ?? [];
            held.Sort(HeapTypeOrder.ByRetained);
            (HeapRootKind kind, string root, List<string> path) = PathTo(x);
            int v = tree.Vertex[x];
            result.Add(new HeapRetainer(walk.TypeNames[walk.Graph.TypeIds[v]], walk.Graph.Sizes[v], tree.Retained[x], kind, root, path, held.Take(HeldRows).ToArray()));
        }
        return result;
    }

    private void Choose()
    {
        var chosen = new HashSet<int>();
        var topLevel = new PriorityQueue<int, long>();
        var largest = new PriorityQueue<int, long>();
        int candidates = Math.Max(top * 10, 100);
        for (int i = 1; i < tree.Count; i++)
        {
            long retained = tree.Retained[i];
            if (own[i]) continue;
            if (tree.Idom[i] == 0) Offer(topLevel, i, retained, TopLevelLimit);
            Offer(largest, i, retained, candidates);
        }
        var ordered = Drain(largest);
        int taken = 0;
        foreach (int i in ordered)
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

    private (int[] Start, int[] Kids) Children()
    {
        var start = new int[tree.Count + 1];
        for (int i = 1; i < tree.Count; i++) start[tree.Idom[i] + 1]++;
        for (int i = 1; i <= tree.Count; i++) start[i] += start[i - 1];
        var kids = new int[Math.Max(tree.Count - 1, 0)];
        var fill = (int[])start.Clone();
        for (int i = 1; i < tree.Count; i++) kids[fill[tree.Idom[i]]++] = i;
        return (start, kids);
    }

    /// <summary>The root and the types along the dominator path down to <paramref name="x"/>, elided in the middle when long.</summary>
    private (HeapRootKind, string, List<string>) PathTo(int x)
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
        int root = rootOf[chain[0]];
        return root >= 0
            ? (walk.RootKinds[root], walk.RootLabels[root], path)
            : (HeapRootKind.Other, "several roots (no single root holds it alone)", path);
    }
}
