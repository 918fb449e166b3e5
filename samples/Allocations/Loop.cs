using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Heapmon.Allocations;

namespace AllocationsSample;

/// <summary>
/// The allocation-overhead benchmark's workload: small objects built and used at about 1.2 GB/s of CPU time
/// (records, small arrays, strings), at a few lines. <c>loop ROUNDS [--tracer] [--wait FILE]</c>: with
/// <c>--tracer</c> it starts <see cref="AllocationTracer"/> itself; with <c>--wait</c> it starts its timed part
/// only once FILE exists (so a sampler attached from outside is running). Prints one result line.
/// </summary>
internal static class Loop
{
    public static object? Sink;

    public static void Run(string[] args)
    {
        int rounds = int.Parse(args[1], CultureInfo.InvariantCulture);
        bool tracer = args.Contains("--tracer");
        int wait = Array.IndexOf(args, "--wait");
        if (tracer) AllocationTracer.Start();
        long total = 0;
        for (int i = 0; i < 20; i++) total += Round(i); // warm: the timed part runs optimised code
        if (wait > 0)
            while (!File.Exists(args[wait + 1])) Thread.Sleep(10);

        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++) total += Round(i);
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result elapsed={clock.Elapsed.TotalSeconds:0.000} cpu={cpu.TotalSeconds:0.000} allocated={allocated} gen0={GC.CollectionCount(0) - gen0} gen1={GC.CollectionCount(1) - gen1} gen2={GC.CollectionCount(2) - gen2} check={total % 1000}"));
        if (tracer) AllocationTracer.Stop();
    }

    /// <summary>About 10 MB: 100,000 orders with a line array and a label each.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Round(int round)
    {
        long sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            Order order = NewOrder(round, i);
            int[] lines = NewLines(i);
            string label = Label(i);
            for (int j = 0; j < lines.Length; j++) sum += Mix(lines[j], order.Id);
            sum += label.Length + order.Cents;
            Sink = order;
        }
        return sum;
    }

    /// <summary>The work done per line, which sets the allocation rate (about 1.2 GB per CPU second here).</summary>
    private static long Mix(int line, long id)
    {
        long h = line ^ id;
        for (int k = 0; k < 6; k++) h = (h * 31 + k) % 1_000_003;
        return h & 7;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Order NewOrder(int round, int i) => new(round * 100_000L + i, i * 3L); // site:loop-order

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int[] NewLines(int i)
    {
        int[] lines = new int[8]; // site:loop-lines
        for (int j = 0; j < lines.Length; j++) lines[j] = i * 31 + j;
        return lines;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Label(int i) => "order-" + (i & 4095).ToString(CultureInfo.InvariantCulture); // site:loop-label

    private sealed record Order(long Id, long Cents);
}
