using System.Runtime.CompilerServices;
using Heapmon.Allocations;

namespace AllocationsSample;

/// <summary>
/// tracemalloc's "Compare snapshots" example: a cache that only grows, next to steady churn. Two
/// snapshots with traces are written; their diff must put the leaking line first.
/// </summary>
internal static class Leak
{
    private static readonly List<byte[]> s_cache = [];
    public static object? Sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Step(int leakedBlocks)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < leakedBlocks; i++) s_cache.Add(new byte[100_000]); // site:leak
        long leaked = GC.GetAllocatedBytesForCurrentThread() - before;
        for (int i = 0; i < 20_000; i++) Sink = new Node(i, i); // site:churn
        return leaked;
    }

    public static void Run(string directory)
    {
        Directory.CreateDirectory(directory);
        AllocationTracer.Start(tracebackLimit: 4);
        try
        {
            s_cache.Capacity = 1000; // the list's own growth would otherwise show at the leak line too
            long first = Step(50);
            AllocationSnapshot.Take(traces: true).Write(Path.Combine(directory, "leak-1.json"));
            long second = Step(200);
            AllocationSnapshot.Take(traces: true).Write(Path.Combine(directory, "leak-2.json"));
            File.WriteAllText(Path.Combine(directory, "leak.truth.txt"), $"{first} {second}");
        }
        finally
        {
            AllocationTracer.Stop();
        }
    }
}
