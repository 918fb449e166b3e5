using System.Diagnostics;
using Heapmon.Model;
using Microsoft.Diagnostics.Runtime;

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
        // Without --graph the graph's arrays are not needed afterwards: the row starts become the immediate dominators.
        // The addresses are done with too: their eight bytes per object hold the DFS's arrays, then the retained sizes.
        DominatorTree tree = DominatorTree.Compute(walk.Graph, consumeGraph: !options.IncludeGraph, spare: (long[]?)(object?)walk.Addresses);
        walk = walk with { Addresses = null };
        using Process self = Process.GetCurrentProcess();
        GCMemoryInfo gc = GC.GetGCMemoryInfo(GCKind.Any);
        var figures = new HeapProcessFigures(Environment.WorkingSet, gc.HeapSizeBytes, gc.TotalCommittedBytes, gc.FragmentedBytes);
        return SnapshotSummary.Build(walk, tree, options, timestamp, Environment.ProcessId, self.ProcessName, figures);
    }

    /// <summary>
    /// A snapshot of the process a dump was written from (createdump --withheap, dotnet-dump collect --type Heap), with
    /// its threads' stack roots, which <see cref="Take()"/> cannot see; the dump's counterpart of dotnet-gcdump report.
    /// Process figures come from the dump: its pid, the GC heap's bytes (free space included) and committed segments;
    /// a dump holds no resident set or process name, so those read 0 and the dump's file name.
    /// </summary>
    /// <exception cref="InvalidDataException">No .NET runtime in the dump, or a heap written during a GC.</exception>
    public static HeapSnapshotData FromDump(string dumpPath, HeapSnapshotOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(dumpPath);
        return FromDump(dumpPath, options, process: null);
    }

    /// <summary>
    /// <see cref="FromDump(string, HeapSnapshotOptions)"/> of a process still running: its id, name and resident
    /// set are the live process's (read by the caller when the dump was written), the GC figures the dump's.
    /// </summary>
    internal static HeapSnapshotData FromDump(string dumpPath, HeapSnapshotOptions options, (int Pid, string Name, long ResidentBytes)? process)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        DateTimeOffset timestamp = File.GetLastWriteTimeUtc(dumpPath);
        using DataTarget target = DataTarget.LoadDump(dumpPath, LocalFilesOnly.Options);
        ClrInfo clr = target.ClrVersions.FirstOrDefault() ?? throw new InvalidDataException($"{dumpPath} holds no .NET runtime");
        using ClrRuntime runtime = clr.CreateRuntime();
        GraphWalk walk = DumpGraphReader.Read(runtime, out long freeBytes);
        long committed = 0;
        foreach (ClrSegment segment in runtime.Heap.Segments) committed += (long)segment.CommittedMemory.Length;
        DominatorTree tree = DominatorTree.Compute(walk.Graph, consumeGraph: !options.IncludeGraph);
        long heapBytes = freeBytes;
        for (int v = 0; v < walk.Graph.NodeCount; v++) heapBytes += walk.Graph.Sizes[v];
        (int pid, string name, long resident) = process ?? (target.DataReader.ProcessId, Path.GetFileNameWithoutExtension(dumpPath), 0L);
        var figures = new HeapProcessFigures(resident, heapBytes, committed, freeBytes);
        return SnapshotSummary.Build(walk, tree, options, timestamp, pid, name, figures);
    }

    /// <summary>
    /// The one entry point that reads the graph: the two passes at one moment of the heap session (a full
    /// blocking GC, then a no-GC region), kept only if the sentinel proves no GC ran in between.
    /// </summary>
    internal static GraphWalk ReadGraph(HeapSnapshotOptions options, bool keepAddresses = false)
    {
        return HeapSession.Run<GraphWalk>(HeapSessionPlan.Snapshot(options.MaxAttempts), moment =>
        {
            long heap = GC.GetGCMemoryInfo().HeapSizeBytes;
            // Sized from the last walk when there was one, so the per-object arrays rarely grow (growing copies them).
            // A sixty-fourth more: a heap rarely grows more between two snapshots, and the slack costs 13 bytes an object.
            long guess = s_lastCount > 0 ? s_lastCount + s_lastCount / 64 + 1024 : heap / 48;
            int capacity = (int)Math.Clamp(guess, 1024, Array.MaxLength / 2);
            GraphWalk? walk = GraphBuilder.Read(moment.Runtime, includeStacks: false, capacity, out string? failure, keepAddresses);
            if (walk is null) return WalkStep.Retry(HeapWalkFailure.HeapChanging, failure ?? "the walk stopped early");
            if (moment.NoGcSince) s_lastCount = walk.Graph.NodeCount;
            return walk;
        });
    }
}
