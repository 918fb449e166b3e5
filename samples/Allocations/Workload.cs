namespace AllocationsSample;

/// <summary>Allocations of known sizes at known lines; <c>// site:</c> comments let tests find the lines.</summary>
internal static class Workload
{
    public static object? Sink;

    public static void Run(double scale)
    {
        for (int i = 0; i < (int)(2000 * scale); i++)
            Sink = new byte[10_000]; // site:bytes10k
        for (int i = 0; i < (int)(100_000 * scale); i++)
            Sink = new Node(i); // site:nodes
        for (int i = 0; i < (int)(20 * scale); i++)
            Sink = new long[131_072]; // site:longs1m
    }

    internal sealed class Node(int value)
    {
        public int Value = value;
        public Node? Next = null;
    }
}
