using Heapmon.Channel;
using Heapmon.Garbage;
using Heapmon.Heap;
using Heapmon.Sizing;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>
/// <c>heapmon garbage --pid</c> inside the target: the instances of a type, retention paths to the largest,
/// cycles among them and finalizer-only garbage, each by the library's public analyses, returned as
/// their plain reports (the CLI prints and draws them).
/// </summary>
internal static class GarbageRequests
{
    public static ChannelMessage Handle(GarbageRequest request)
    {
        if (request.Paths < 0) throw new ArgumentException($"--paths must be 0 or more, not {request.Paths}.");
        Type type = LoadedTypes.Find(request.TypeName);
        (int count, long bytes, List<RetentionReport> retention) = Explain(type, request.Paths);
        CycleReport? cycles = request.Cycles ? CycleFinder.FindAmongInstancesOf(type, includeSubclasses: true) : null;
        FinalizerGarbageReport? finalizer = request.Finalizer ? FinalizerGarbage.Collect() : null;
        return new GarbageResponse(type.FullName!, count, bytes, retention, cycles, finalizer);
    }

    /// <summary>
    /// One retention path for each of the <paramref name="paths"/> largest instances (by their own size,
    /// walk order among equals). The instances are held only for this call: the agent keeps none.
    /// </summary>
    private static (int Count, long Bytes, List<RetentionReport> Retention) Explain(Type type, int paths)
    {
        IReadOnlyList<object> instances = InstanceFinder.Find([type], includeSubclasses: true).Instances;
        var sizes = new long[instances.Count];
        long bytes = 0;
        for (int i = 0; i < sizes.Length; i++) bytes += sizes[i] = ObjectSize.Shallow(instances[i]);
        var retention = new List<RetentionReport>();
        foreach (int i in Enumerable.Range(0, sizes.Length).OrderByDescending(i => sizes[i]).Take(paths))
            retention.Add(RetentionPaths.Find(instances[i], max: 1));
        return (instances.Count, bytes, retention);
    }
}
