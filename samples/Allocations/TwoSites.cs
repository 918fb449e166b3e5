using System.Globalization;
using System.Runtime.CompilerServices;

namespace AllocationsSample;

/// <summary>
/// A running program for <c>heapmon alloc --pid</c>: it uses no Heapmon code. It prints "ready", and on each
/// "go" line allocates at two known lines (marked <c>// site:</c>), printing the truth of each from the GC's
/// exact per-thread counter; "exit" ends it with code 0, as a service that stops while being sampled.
/// </summary>
internal static class TwoSites
{
    public static object? Sink;

    public static void Run()
    {
        Console.WriteLine($"ready {Environment.ProcessId}");
        while (Console.ReadLine() is { } line)
        {
            if (line.Trim() == "exit") return;
            if (line.Trim() != "go") continue;
            long before = GC.GetAllocatedBytesForCurrentThread();
            Arrays(40);
            long arrays = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            Orders(350_000);
            long orders = GC.GetAllocatedBytesForCurrentThread() - before;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done arrays={arrays} orders={orders}"));
        }
    }

    /// <summary>1 MiB arrays: each one is sampled (p = 1 − e^−10.24), so the estimate is nearly exact.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Arrays(int count)
    {
        for (int i = 0; i < count; i++) Sink = new byte[1024 * 1024]; // site:arrays
    }

    /// <summary>Small objects: about one in 2,000 is sampled, so the estimate has a real interval.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Orders(int count)
    {
        for (int i = 0; i < count; i++) Sink = new Order(i, i * 3, "EUR"); // site:orders
    }

    private sealed record Order(long Id, long Cents, string Currency);
}
