using System.Diagnostics;
using System.Runtime;
using Heapmon.Model;

namespace Heapmon.Heap;

/// <summary>
/// Whole-heap snapshots with exact retained sizes: a full GC, a walk of every object and reference in a
/// no-GC region, the dominator tree from the GC roots (dotnet-gcdump collect + report, with Eclipse MAT's
/// retained sizes; Pympler: summary.summarize(muppy.get_objects())).
/// </summary>
public static class HeapSnapshot
{
    private static long s_lastCount;   // objects in the last walk; read and written under the walk lock

    /// <summary>Takes a snapshot of this process's heap with <see cref="HeapSnapshotOptions.Default"/>.</summary>
    /// <exception cref="HeapWalkException">No consistent view of the heap in the allowed attempts.</exception>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or Native AOT.</exception>
    public static HeapSnapshotData Take() => Take(HeapSnapshotOptions.Default);

    /// <summary>Takes a snapshot of this process's heap.</summary>
    /// <exception cref="HeapWalkException">No consistent view of the heap in the allowed attempts.</exception>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or Native AOT.</exception>
    public static HeapSnapshotData Take(HeapSnapshotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        SelfDataReader.EnsureSupported();
        DateTimeOffset timestamp = DateTimeOffset.UtcNow;
        GraphWalk walk = ReadGraph(options, keepAddresses: true);
        // Without --graph the graph's row starts are not needed afterwards: they become the immediate dominators.
        // The addresses are done with too: their eight bytes per object hold the semidominators, then the retained sizes.
        DominatorTree tree = DominatorTree.Compute(walk.Graph, consumeOffsets: !options.IncludeGraph, spare: (long[]?)(object?)walk.Addresses);
        walk = walk with { Addresses = null };
        using Process self = Process.GetCurrentProcess();
        GCMemoryInfo gc = GC.GetGCMemoryInfo(GCKind.Any);
        var figures = new HeapProcessFigures(Environment.WorkingSet, gc.HeapSizeBytes, gc.TotalCommittedBytes, gc.FragmentedBytes);
        return SnapshotSummary.Build(walk, tree, options, timestamp, Environment.ProcessId, self.ProcessName, figures);
    }

    /// <summary>
    /// The one entry point that reads the graph: a full blocking GC, then the two passes in a no-GC
    /// region, kept only if the sentinel proves no GC ran in between.
    /// </summary>
    internal static GraphWalk ReadGraph(HeapSnapshotOptions options, bool keepAddresses = false)
    {
        using Lock.Scope scope = HeapWalkLock.Enter();
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            throw new InvalidOperationException("Cannot walk the heap while the program holds a no-GC region (GC.TryStartNoGCRegion).");
        long heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        // The walk's own arrays (about 24 bytes per object, objects at least 24 bytes) and ClrMD's allocations count against the budget.
        long budget = Math.Clamp(heap * 2 + (256L << 20), 256L << 20, 16L << 30);
        // Sized from the last walk when there was one, so the per-object arrays rarely grow (growing copies them).
        long guess = s_lastCount > 0 ? s_lastCount + s_lastCount / 16 + 1024 : heap / 48;
        int capacity = (int)Math.Clamp(guess, 1024, Array.MaxLength / 2);
        string problem = "none";
        for (int attempt = 1; attempt <= options.MaxAttempts; attempt++, budget = Math.Min(budget * 2, 32L << 30))
        {
            // A full blocking GC first, so no dead object is left to walk: starting the region does not always
            // collect (measured: a sample's 100,000 garbage strings were still there without this).
            GC.Collect();
            bool inRegion = StartRegion(budget);
            try
            {
                using GcSentinel sentinel = GcSentinel.Start();
                GraphWalk? walk = GraphBuilder.Read(SelfRuntime.Fresh(), includeStacks: false, capacity, out string? failure, keepAddresses);
                if (walk is null) { problem = failure ?? "the walk stopped early"; continue; }
                if (!sentinel.NoGcSince) { problem = "a GC ran during the walk"; continue; }
                s_lastCount = walk.Graph.NodeCount;
                return walk;
            }
            finally
            {
                if (inRegion && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            }
        }
        throw new HeapWalkException(options.MaxAttempts, problem);
    }

    private static bool StartRegion(long budget)
    {
        for (long size = budget; size >= 16L << 20; size /= 2)
        {
            try
            {
                if (GC.TryStartNoGCRegion(size)) return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                // Larger than this GC configuration allows: try a smaller budget.
            }
        }
        return false;
    }
}
