using Heapmon.Heap;
using Heapmon.Model;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// Finds the finalizer-only garbage: objects registered for finalization that no root reaches
/// any more (undisposed IDisposables whose finalizer will do the clean-up), plus those already
/// queued for their finalizer (Python: gc.garbage, the uncollectable objects).
/// </summary>
/// <remarks>
/// It works on a full snapshot (createdump, ~1 s): a GC in-process would hand these objects to
/// the finalizer thread, which runs them at once, and stack roots are needed to tell a dead
/// object from one a local variable still holds.
/// </remarks>
public static class FinalizerGarbage
{
    /// <summary>Takes a snapshot and reports the finalizer-only garbage by type and count.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or Native AOT.</exception>
    /// <exception cref="HeapWalkException">The snapshot could not be taken (<see cref="HeapWalkFailure.SnapshotFailed"/>).</exception>
    public static FinalizerGarbageReport Collect(CancellationToken cancel = default) =>
        SnapshotSession.Run<FinalizerGarbageReport>(null, (runtime, _) => Analyse(runtime, cancel));

    /// <summary>
    /// Runtime types that stay reachable only through finalization by design: their finalizer
    /// re-registers them (ArrayPool trimming runs from Gen2GcCallback). Not leaks, so not reported.
    /// </summary>
    private static readonly string[] s_runtimeResurrectors =
        ["System.Gen2GcCallback", "System.Reflection.Emit.DynamicResolver+DestroyScout"];

    private static FinalizerGarbageReport Analyse(ClrRuntime runtime, CancellationToken cancel)
    {
        ClrHeap heap = runtime.Heap;
        // Our own frames count as roots here: what they hold (the createdump process) is not garbage.
        IEnumerable<ulong> liveRoots = HeapRoots.Collect(runtime, includeStacks: true, skipOwnFrames: false)
            .Where(r => r.Root.Kind != GcRootKind.FinalizerQueue)
            .Select(r => r.Object);
        HeapObjectGraph reachable = HeapObjectGraph.Build(heap, liveRoots, int.MaxValue, skipLeaves: false, cancel);

        var byType = new Dictionary<string, (int Count, long Bytes)>(StringComparer.Ordinal);
        bool Count(ClrObject obj)
        {
            string type = obj.Type?.Name ?? "<unknown type>";
            if (Array.IndexOf(s_runtimeResurrectors, type) >= 0) return false;
            (int count, long bytes) = byType.GetValueOrDefault(type);
            byType[type] = (count + 1, bytes + (long)((obj.Size + 7) & ~7UL));
            return true;
        }

        // The f-reachable queue is part of the finalization queue ClrMD lists: count each object once.
        var queued = new HashSet<ulong>();
        int registered = 0, awaitingGc = 0, awaitingFinalizer = 0;
        foreach (ClrRoot root in heap.EnumerateFinalizerRoots())
        {
            if (root.Object.IsNull || !queued.Add(root.Object.Address) || reachable.IdOf(root.Object.Address) >= 0) continue;
            if (Count(root.Object)) awaitingFinalizer++;
        }
        foreach (ClrObject obj in heap.EnumerateFinalizableObjects())
        {
            // GC.SuppressFinalize (what Dispose calls) leaves the object listed, only marked.
            if (queued.Contains(obj.Address) || obj.Type is null || obj.Type.IsFinalizeSuppressed(obj.Address)) continue;
            registered++;
            if (reachable.IdOf(obj.Address) >= 0) continue;
            if (Count(obj)) awaitingGc++;
        }
        registered += queued.Count;

        FinalizerGarbageEntry[] types = byType
            .Select(kv => new FinalizerGarbageEntry(kv.Key, kv.Value.Count, kv.Value.Bytes))
            .OrderByDescending(e => e.Count).ThenBy(e => e.TypeName, StringComparer.Ordinal)
            .ToArray();
        return new FinalizerGarbageReport(types, awaitingGc, awaitingFinalizer, registered);
    }
}
