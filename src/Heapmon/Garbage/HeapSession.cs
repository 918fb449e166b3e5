using System.Runtime;
using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// Runs one analysis of our own heap through ClrMD with no GC in the middle (docs/heap.md,
/// How it works): one walk at a time, a full blocking GC, then a NoGC region for the whole
/// analysis, so every address read stays valid. If the region ends early (the budget ran out,
/// or a GC was forced elsewhere), the result is thrown away and the analysis runs again.
/// </summary>
internal static class HeapSession
{
    // ClrMD allocates as it walks (measured: ~300 bytes per object it visits, ~15x a heap of
    // small objects), and every byte counts against the region: size the budget from the heap,
    // and grow it if a walk runs out.
    // The GC commits the whole budget (RSS does not grow: the pages are not touched) and keeps it
    // committed until a later GC gives it back, so the first try stays at most 4 GB.
    private const long MinimumBudget = 128L << 20;
    private const long FirstTryMaximum = 4L << 30;
    private const long MaximumBudget = 16L << 30;

    private const int Attempts = 3;

    private static long DefaultBudget() =>
        Math.Clamp(GC.GetGCMemoryInfo().HeapSizeBytes * 16, MinimumBudget, FirstTryMaximum);

    /// <summary>Runs <paramref name="analysis"/> inside a NoGC region; it must return plain data only.</summary>
    /// <exception cref="InvalidOperationException">A GC interrupted every attempt.</exception>
    public static T Run<T>(Func<ClrRuntime, T> analysis)
    {
        long budget = DefaultBudget();
        SelfDataReader.EnsureSupported();
        // The Heap layer's process-wide lock: no other walk, census or NoGC region runs meanwhile.
        using (HeapWalkLock.Enter())
        {
            ClrRuntime runtime = Runtime();
            for (int attempt = 1; ; attempt++, budget = Math.Min(budget * 4, MaximumBudget))
            {
                bool inRegion = StartRegion(budget);
                try
                {
                    runtime.FlushCachedData();
                    int gcs = GC.CollectionCount(0);
                    T result = analysis(runtime);
                    if (GC.CollectionCount(0) == gcs && (!inRegion || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion))
                        return result;
                }
                finally
                {
                    // Only our own region: one opened elsewhere is not ours to end.
                    if (inRegion && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
                }
                if (attempt == Attempts)
                    throw new InvalidOperationException(
                        $"The heap changed under the analysis {Attempts} times (a GC ran during the walk); " +
                        "nothing was reported rather than a wrong answer. Try again when the program allocates less.");
            }
        }
    }

    private static ClrRuntime? _runtime;

    /// <summary>
    /// One DAC for the life of the process (opening one loads and initialises libmscordaccore,
    /// ~100 ms); ClrMD's caches are flushed before every walk instead.
    /// </summary>
    private static ClrRuntime Runtime()
    {
        if (_runtime is null)
        {
            DataTarget target = SelfDataReader.CreateDataTarget();
            _runtime = target.ClrVersions.Single().CreateRuntime();
        }
        return _runtime;
    }

    private static bool StartRegion(long budget)
    {
        // A blocking full GC first, so no dead object is left to find and no background GC is
        // sweeping (the region's own GC need not collect the older generations).
        GC.Collect();
        for (long size = budget; size >= 16L << 20; size /= 4)
        {
            try
            {
                if (GC.TryStartNoGCRegion(size)) return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                // Too large for this GC configuration: try a smaller budget.
            }
            catch (InvalidOperationException)
            {
                // Someone else's region is open; the GC-count check still guards the result.
                GC.Collect();
                return false;
            }
        }
        GC.Collect();
        return false;
    }
}
