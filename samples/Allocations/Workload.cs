namespace AllocationsSample;

/// <summary>A small workload for the tracemalloc-style examples: a few lines allocating different amounts.</summary>
internal static class Workload
{
    public static object? Sink;

    public static void Run(double scale)
    {
        for (int i = 0; i < (int)(2000 * scale); i++) Sink = new byte[10_000];
        for (int i = 0; i < (int)(100_000 * scale); i++) Sink = new Node(i, i);
        for (int i = 0; i < (int)(20 * scale); i++) Sink = new long[131_072];
    }
}

/// <summary>A 32-byte object.</summary>
internal sealed class Node(long value, long next)
{
    public long Value = value;
    public long Next = next;
}
