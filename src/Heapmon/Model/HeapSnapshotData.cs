namespace Heapmon.Model;

/// <summary>
/// One whole-heap snapshot as plain data: per type count, shallow and retained bytes, the GC roots by
/// kind, the objects that retain the most with their dominator path, and the process figures
/// (dotnet-gcdump's report plus Eclipse MAT's dominator figures; Pympler: summary.summarize). Safe to keep.
/// </summary>
public sealed class HeapSnapshotData
{
    /// <summary>Creates a snapshot from its parts (a heap walk, or a file read back).</summary>
    public HeapSnapshotData(
        DateTimeOffset timestamp,
        int processId,
        string processName,
        HeapProcessFigures process,
        IReadOnlyList<HeapTypeSummary> types,
        IReadOnlyList<HeapRootSummary> roots,
        IReadOnlyList<HeapRetainer> retainers,
        long unreachedCount,
        long unreachedBytes)
    {
        Timestamp = timestamp;
        ProcessId = processId;
        ProcessName = processName;
        Process = process;
        Types = types;
        Roots = roots;
        Retainers = retainers;
        UnreachedCount = unreachedCount;
        UnreachedBytes = unreachedBytes;
        foreach (HeapTypeSummary t in types)
        {
            ObjectCount += t.Count;
            TotalBytes += t.Bytes;
        }
    }

    /// <summary>When the heap was walked.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The process whose heap this is.</summary>
    public int ProcessId { get; }

    /// <summary>Its name.</summary>
    public string ProcessName { get; }

    /// <summary>Resident size and the GC's own figures at the snapshot.</summary>
    public HeapProcessFigures Process { get; }

    /// <summary>Every type on the heap, largest retained bytes first.</summary>
    public IReadOnlyList<HeapTypeSummary> Types { get; }

    /// <summary>The GC roots by kind.</summary>
    public IReadOnlyList<HeapRootSummary> Roots { get; }

    /// <summary>The objects retaining the most, largest first, each with its path from a root.</summary>
    public IReadOnlyList<HeapRetainer> Retainers { get; }

    /// <summary>Objects on the heap (free space not counted).</summary>
    public long ObjectCount { get; }

    /// <summary>Their shallow bytes.</summary>
    public long TotalBytes { get; }

    /// <summary>
    /// Objects no root seen by the walk reaches: held only by a thread's stack (an in-process walk cannot
    /// see stacks) or allocated during the walk. They count in <see cref="Types"/> (as in dumpheap -stat) but retain nothing.
    /// </summary>
    public long UnreachedCount { get; }

    /// <summary>Shallow bytes of <see cref="UnreachedCount"/> objects.</summary>
    public long UnreachedBytes { get; }

    /// <summary>Whether the object graph was kept (<c>--graph</c>) for later path queries.</summary>
    public bool HasGraph => Graph is not null;

    /// <summary>The object graph, when asked for.</summary>
    internal SnapshotGraph? Graph { get; init; }
}

/// <summary>One type's line in a heap snapshot (dumpheap -stat with MAT's retained heap).</summary>
/// <param name="TypeName">The type's name as dumpheap prints it.</param>
/// <param name="Count">Instances on the heap.</param>
/// <param name="Bytes">Their shallow bytes, each rounded up to 8 as the GC allocates.</param>
/// <param name="RetainedBytes">
/// Bytes that would be freed if every instance died that no other instance of the type dominates:
/// the retained sizes of the outermost instances in the dominator tree.
/// </param>
public sealed record HeapTypeSummary(string TypeName, long Count, long Bytes, long RetainedBytes);

/// <summary>The process figures at a heap snapshot (Pympler: ProcessMemoryInfo).</summary>
/// <param name="ResidentBytes">Resident set size of the process.</param>
/// <param name="GcHeapBytes">Managed heap size after the last GC, as the GC reports it.</param>
/// <param name="GcCommittedBytes">Memory the GC has committed.</param>
/// <param name="GcFragmentedBytes">Free space inside the heap after the last GC.</param>
public sealed record HeapProcessFigures(long ResidentBytes, long GcHeapBytes, long GcCommittedBytes, long GcFragmentedBytes);
