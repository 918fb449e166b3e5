using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// Why is this object alive? The shortest reference paths from GC roots to it, each root
/// labelled (dotnet-dump's gcroot, from inside the process; Heapmonitor's garbage graph answered
/// the Python form of the question).
/// </summary>
public static class RetentionPaths
{
    /// <summary>
    /// Finds up to <paramref name="max"/> shortest paths from different GC roots to <paramref name="target"/>.
    /// Without <see cref="RetentionOptions.IncludeStackRoots"/> stack roots are not searched (gcroot -nostacks).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or Native AOT.</exception>
    /// <exception cref="HeapWalkException">No consistent view of the heap in 3 attempts (GCs kept interrupting, or the no-GC budget ran out), the program holds a no-GC region, or (with stack roots) no snapshot could be taken (<see cref="HeapWalkException.Reason"/>).</exception>
    public static RetentionReport Find(object target, int max = 3, RetentionOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        options ??= RetentionOptions.NoStacks;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxObjects, 1, nameof(options));

        if (options.IncludeStackRoots)
            return SnapshotSession.Run(target, (runtime, address) => Analyse(runtime, address, max, options, cancel));
        return HeapSession.Analyse(runtime => Analyse(runtime, LiveObjects.AddressNow(target), max, options, cancel));
    }

    private static RetentionReport Analyse(ClrRuntime runtime, ulong target, int max, RetentionOptions options, CancellationToken cancel)
    {
        ClrHeap heap = runtime.Heap;
        List<(GcRoot Root, ulong Object)> roots = HeapRoots.Collect(runtime, options.IncludeStackRoots);
        HeapObjectGraph graph = HeapObjectGraph.Build(heap, roots.Select(r => r.Object).Append(target), options.MaxObjects, skipLeaves: false, cancel);
        HeapObjectInfo targetInfo = HeapObjectGraph.DescribeAddress(heap, target);

        // Roots by the node they hold.
        var rootsAt = new Dictionary<int, List<GcRoot>>();
        foreach ((GcRoot root, ulong obj) in roots)
        {
            int id = graph.IdOf(obj);
            if (id < 0) continue;
            if (!rootsAt.TryGetValue(id, out List<GcRoot>? list)) rootsAt[id] = list = [];
            list.Add(root);
        }

        var paths = new List<RetentionPath>();
        int targetId = graph.IdOf(target);
        if (targetId >= 0)
        {
            // Breadth-first from the target over predecessors: the first time a node is reached
            // is by its shortest path to the target, and nodes come out in order of that length.
            ObjectGraph reverse = graph.Graph.Reverse();
            var toward = new int[reverse.NodeCount];
            Array.Fill(toward, -2);
            var queue = new Queue<int>();
            toward[targetId] = -1;
            queue.Enqueue(targetId);
            while (queue.Count > 0 && paths.Count < max)
            {
                int node = queue.Dequeue();
                if (rootsAt.TryGetValue(node, out List<GcRoot>? held))
                    foreach (GcRoot root in held)
                    {
                        if (paths.Count == max) break;
                        paths.Add(BuildPath(graph, root, node, toward));
                    }
                foreach (int from in reverse.Successors(node))
                {
                    if (toward[from] != -2) continue;
                    toward[from] = node;
                    queue.Enqueue(from);
                }
            }
        }
        return new RetentionReport(targetInfo, paths, options.IncludeStackRoots, graph.Graph.NodeCount, graph.Complete);
    }

    private static RetentionPath BuildPath(HeapObjectGraph graph, GcRoot root, int start, int[] toward)
    {
        var objects = new List<HeapObjectInfo>();
        var fields = new List<string>();
        for (int node = start; ; node = toward[node])
        {
            objects.Add(graph.Describe(node));
            if (toward[node] < 0) break;
            fields.Add(graph.FieldName(node, toward[node]));
        }
        return new RetentionPath(root, objects, fields);
    }
}
