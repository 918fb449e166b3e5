namespace Heapmon.Heap;

/// <summary>
/// What Heapmon may take of the memory the GC can still commit: a quarter of the room left under the GC's limit (the
/// program's <c>GCHeapHardLimit</c>, its container's limit, or the machine's memory), as of the last GC. A no-GC region's
/// budget and the large buffers of a snapshot are checked against it first, so a program running close to its limit is
/// never pushed into an <see cref="OutOfMemoryException"/> by its profiler: the region is smaller or none, the snapshot skipped.
/// </summary>
internal static class MemoryHeadroom
{
    private const int Share = 4;

    /// <summary>Bytes Heapmon may commit now; <see cref="long.MaxValue"/> when the GC reports no limit.</summary>
    public static long Allowance()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        if (info.TotalAvailableMemoryBytes <= 0) return long.MaxValue;
        return Math.Max(0, info.TotalAvailableMemoryBytes - info.TotalCommittedBytes) / Share;
    }

    /// <summary>Throws <see cref="InsufficientMemoryException"/> when <paramref name="bytes"/> for <paramref name="what"/> exceed the allowance.</summary>
    public static void Check(long bytes, string what)
    {
        long allowance = Allowance();
        if (bytes > allowance)
            throw new InsufficientMemoryException(
                $"Skipped {what}: it needs {bytes >> 20} MiB and the program is close to its GC memory limit ({allowance >> 20} MiB may be taken without risk).");
    }
}
