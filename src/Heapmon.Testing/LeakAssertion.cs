using System.Globalization;
using System.Text;
using Heapmon.Heap;

namespace Heapmon.Testing;

/// <summary>
/// HeapAssert.DoesNotLeak (pytest-memray: limit_leaks): the bytes alive after a full collect, before
/// and after the runs; on failure, which types grew (a census before and after a second pass) and why
/// the first of them is alive.
/// </summary>
internal static class LeakAssertion
{
    private const int TypesShown = 5;
    private const int MaxSettleRounds = 4;
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static void Check(Action action, int iterations, int warmup, long tolerance)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        Settle.Run(action, warmup);
        long before = LiveBytes();
        Settle.Run(action, iterations);
        long after = LiveBytes();
        if (after - before <= tolerance) return;

        // A leak grows with the runs; another thread's passing allocation does not. Confirm with a second
        // pass of the same runs, and fail only when it grew beyond the tolerance too.
        Settle.Run(action, iterations);
        long again = LiveBytes() - after;
        if (again <= tolerance) return;
        var text = new StringBuilder();
        text.Append(s_inv, $"the heap kept {after - before:N0} bytes more after {iterations:N0} runs and {again:N0} more after {iterations:N0} more ");
        text.Append(s_inv, $"({warmup:N0} warm-up runs before; tolerance {tolerance:N0} bytes); types that grew over {iterations:N0} more runs:");
        List<(string Name, long Count, long Bytes)> grew = GrownTypes(action, iterations);
        foreach ((string name, long count, long bytes) in grew.Take(TypesShown))
            text.AppendLine().Append(s_inv, $"  +{count:N0} {name} (+{bytes:N0} bytes)");
        // Paths for the first grown type reflection can name, the program's own before the framework's (a leaked
        // Connection explains its byte[] buffer, not the other way round).
        if (grew.OrderBy(t => t.Name.StartsWith("System.", StringComparison.Ordinal)).Select(t => FindType(t.Name)).FirstOrDefault(t => t is not null) is { } type)
        {
            IReadOnlyList<object> alive = SurvivorReport.Find(type);
            text.AppendLine().Append(SurvivorReport.Failure($"  {TypeNames.Display(type)}: {SurvivorReport.Instances(alive.Count)} alive", alive));
        }
        throw new HeapAssertionException(text.ToString());
    }

    /// <summary>Bytes of live objects after full collects with finalizers run, once two GCs in a row agree: what the GC marked.</summary>
    /// <remarks>GC.GetTotalMemory is not exact (it moved by 7,008 or 15,232 bytes for 11,200 kept, as free space was counted); the GC's own figure is.</remarks>
    private static long LiveBytes()
    {
        long last = -1;
        for (int round = 0; round < MaxSettleRounds; round++)
        {
            // Each round runs the finalizers the last GC queued; a finalizer can free what another finalizer needs next round.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long index = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;
            GC.Collect();
            GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            // Should the GC not have recorded our collection, count the heap ourselves.
            long live = info.Index > index ? info.PromotedBytes : HeapCensus.Take().TotalBytes;
            if (live == last) return live;
            last = live;
        }
        return last;
    }

    /// <summary>The types with more instances after more runs than before them, most bytes first.</summary>
    private static List<(string Name, long Count, long Bytes)> GrownTypes(Action action, int iterations)
    {
        // The first census of a process fills caches of its own (ClrMD's, reflection's): let a throwaway one do that.
        HeapCensus.Take();
        Settle.Collect();
        HeapCensus first = HeapCensus.Take(); // held as it is: its own objects are all Heapmon.Heap types, left out below
        Settle.Run(action, iterations);
        Settle.Collect();
        Dictionary<string, (long Count, long Bytes)> after = TypeCounts.ByName(HeapCensus.Take());
        Dictionary<string, (long Count, long Bytes)> before = TypeCounts.ByName(first);
        var grew = new List<(string Name, long Count, long Bytes)>();
        foreach ((string name, (long count, long bytes)) in after)
        {
            // The censuses' own objects, and ClrMD's caches of the types they met for the first time.
            if (name.Contains("Heapmon.Heap.", StringComparison.Ordinal) || name.Contains("Microsoft.Diagnostics.Runtime.", StringComparison.Ordinal)) continue;
            (long Count, long Bytes) then = before.GetValueOrDefault(name);
            if (count > then.Count) grew.Add((name, count - then.Count, bytes - then.Bytes));
        }
        // Types that grew by at least one instance per run first (a leak's signature), then by bytes.
        return [.. grew.OrderByDescending(t => t.Count >= iterations).ThenByDescending(t => t.Bytes)];
    }

    /// <summary>The loaded type the census names, when the name is one reflection can look up (not a closed generic).</summary>
    private static Type? FindType(string name)
    {
        foreach (System.Reflection.Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
            if (assembly.GetType(name, throwOnError: false) is { } type) return type;
        return null;
    }
}
