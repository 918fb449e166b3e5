using System.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// A no-GC region a <see cref="HeapSession"/> started itself, and so the only kind it ends. Any GC ends a
/// region early (another thread's <c>GC.Collect()</c>, or allocations past its budget); the session's
/// sentinel, not the region, proves that a walk was not interrupted, so a region that could not be started
/// or that ended early costs at most a retry.
/// </summary>
internal readonly struct OwnNoGCRegion : IDisposable
{
    private const long SmallestBudget = 16L << 20;
    private readonly long _allocatedAtStart;

    private OwnNoGCRegion(long bytes, long allocatedAtStart)
    {
        Bytes = bytes;
        _allocatedAtStart = allocatedAtStart;
    }

    /// <summary>The budget the region started with; 0 when no region was started.</summary>
    public long Bytes { get; }

    public bool Started => Bytes > 0;

    /// <summary>Whether the region ended early because the walk and the program's threads allocated its whole budget.</summary>
    public bool RanOut => Started && GCSettings.LatencyMode != GCLatencyMode.NoGCRegion
                          && GC.GetTotalAllocatedBytes() - _allocatedAtStart >= Bytes;

    /// <summary>
    /// Starts a region of <paramref name="bytes"/> (at most <see cref="MemoryHeadroom.Allowance"/>), or of a quarter as much
    /// (and so on, down to 16 MiB) when the GC's configuration refuses the size. No memory for it is no error: the walk goes on without one.
    /// </summary>
    /// <returns>False when a region is already in progress: the program's, since a session always ends its own.</returns>
    public static bool TryStart(long bytes, out OwnNoGCRegion region)
    {
        region = default;
        // The GC commits the whole budget: near the program's memory limit, a smaller region, or none (the walk may need more attempts).
        bytes = Math.Min(bytes, MemoryHeadroom.Allowance());
        if (bytes < SmallestBudget) return true;
        for (long size = bytes; size >= SmallestBudget; size /= 4)
        {
            try
            {
                long allocated = GC.GetTotalAllocatedBytes();
                if (GC.TryStartNoGCRegion(size)) region = new OwnNoGCRegion(size, allocated);
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                // More than this GC configuration allows (a hard limit, a small segment): try a quarter.
            }
            catch (InvalidOperationException)
            {
                // "The NoGCRegion mode was already in progress."
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Ends the region if this session started it, even when a GC has ended it already: the runtime may keep
    /// it marked as started until then, and the next <c>TryStartNoGCRegion</c> (ours or the program's) would fail.
    /// </summary>
    public void Dispose()
    {
        if (!Started) return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // A GC ended it first (a GC.Collect elsewhere, or the budget ran out): nothing is left to end.
        }
    }
}
