using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Heapmon.Allocations;

namespace Heapmon.Testing;

/// <summary>
/// HeapAssert.Allocates: the exact bytes the GC counted for this thread around one run (pytest-memray:
/// limit_memory); on failure, where they came from, from the allocation tracer (tracemalloc) over re-runs.
/// </summary>
internal static class AllocationAssertion
{
    /// <summary>Bytes the re-runs aim to allocate: ~100 KiB per sample, so about 200 samples.</summary>
    private const long SampledBytes = 20L << 20;

    private const int MaxRuns = 100_000;
    private const int Shown = 5;
    private static readonly TimeSpan s_maxSampling = TimeSpan.FromSeconds(3);
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static void Check(Action action, long atMost)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegative(atMost);
        long bytes = Measure(action);
        if (bytes <= atMost) return;
        var text = new StringBuilder();
        text.Append(s_inv, $"allocated {bytes:N0} bytes on this thread (expected at most {atMost:N0}: {bytes - atMost:N0} over)");
        text.Append(Sampled(action, bytes));
        throw new HeapAssertionException(text.ToString());
    }

    /// <summary>Bytes allocated on this thread by one run; nothing else runs between the two reads of the counter.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static long Measure(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>The top types and lines of a sampled re-run, per run; or why there are none.</summary>
    private static string Sampled(Action action, long bytesPerRun)
    {
        if (AllocationTracer.IsTracing)
            return Environment.NewLine + "  (no sampled re-run: the allocation tracer is already running in this process)";
        int runs = (int)Math.Clamp(SampledBytes / Math.Max(1, bytesPerRun), 1, MaxRuns);
        AllocationSnapshot snapshot;
        int done;
        try
        {
            (snapshot, done) = Sample(action, runs);
        }
        catch (Exception e)
        {
            // The explanation failed (no EventPipe session, the action threw on a re-run): the verdict stands without it.
            return Environment.NewLine + $"  (no sampled re-run: {e.GetType().Name}: {e.Message})";
        }
        var text = new StringBuilder();
        text.AppendLine().Append(s_inv, $"  sampled over {done:N0} re-runs ({snapshot.SampleCount:N0} samples, estimates per run, whole process):");
        text.AppendLine().Append("    top types:");
        Top(text, snapshot.TopBy(GroupBy.Type), done);
        text.AppendLine().Append("    top lines:");
        Top(text, snapshot.TopBy(GroupBy.Line), done);
        return text.ToString();
    }

    private static (AllocationSnapshot Snapshot, int Runs) Sample(Action action, int runs)
    {
        int done = 0;
        AllocationTracer.Start(tracebackLimit: 1);
        try
        {
            var clock = Stopwatch.StartNew();
            while (done < runs && clock.Elapsed < s_maxSampling)
            {
                Settle.Run(action);
                done++;
            }
            return (AllocationSnapshot.Take(metrics: false), done);
        }
        finally
        {
            AllocationTracer.Stop();
            AllocationTracer.ClearTraces();
        }
    }

    private static void Top(StringBuilder text, GroupedStats stats, int runs)
    {
        foreach (KeyValuePair<AllocationKey, AllocationStats> row in stats.Top().Take(Shown))
            text.AppendLine().Append(s_inv, $"      ~{row.Value.Size.Value / runs,10:N0} B  {row.Key.Format(2)}");
    }
}
