using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Heapmon.Testing;

namespace Heapmon.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Heapmon.Benchmarks -- no-survivors [rounds]</c>: one passing
/// <c>checkpoint.NoSurvivors&lt;T&gt;()</c> on a test heap of one million objects (target: at most 150 ms), beside a
/// bare full blocking GC of the same heap measured in the same run; and the same allocating workload with and
/// without an open checkpoint (target: no cost, ratio 1 within noise). Prints medians and ratios.
/// </summary>
internal static class NoSurvivorsBenchmark
{
    private const int Objects = 1_000_000;
    private const double TargetMs = 150;
    private static Node? s_sink;

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        Node[] heap = Build();
        using (HeapCheckpoint warm = HeapAssert.Checkpoint()) warm.NoSurvivors<Probe>(); // JIT and the walker's first run

        var assertion = new List<double>();
        var gc = new List<double>();
        var plain = new List<double>();
        var underCheckpoint = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            // The bare GC meets the same garbage as the assertion's: the workload's two million dead objects.
            plain.Add(Workload());
            var clock = Stopwatch.StartNew();
            GC.Collect();
            gc.Add(clock.Elapsed.TotalMilliseconds);

            using HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
            underCheckpoint.Add(Workload());
            MakeProbes();
            clock.Restart();
            checkpoint.NoSurvivors<Probe>();
            assertion.Add(clock.Elapsed.TotalMilliseconds);
            double[] phases = Heap.InstanceFinder.LastPhases;
            Console.WriteLine($"round {round + 1}: NoSurvivors {assertion[^1]:0.0} ms (walk phases: GC {phases[0]:0.0}, layout {phases[1]:0.0}, walk {phases[2]:0.0}, materialise {phases[3]:0.0} ms), " +
                $"full GC {gc[^1]:0.0} ms; workload {plain[^1]:0.0} ms plain, {underCheckpoint[^1]:0.0} ms under a checkpoint");
        }
        double a = AttachCensusBenchmark.Median(assertion), g = AttachCensusBenchmark.Median(gc);
        double p = AttachCensusBenchmark.Median(plain), c = AttachCensusBenchmark.Median(underCheckpoint);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores (times grow with it; the ratios much less)");
        Console.WriteLine($"heap: {Objects:N0} objects ({GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:0} MiB)");
        Console.WriteLine($"median NoSurvivors<T>(): {a:0.0} ms (target: at most {TargetMs:0} ms) = {a / g:0.0}x a bare full GC ({g:0.0} ms)");
        Console.WriteLine($"median workload: {p:0.0} ms plain, {c:0.0} ms under a checkpoint: ratio {c / p:0.000} (target: 1, noise included)");
        GC.KeepAlive(heap);
        return a <= TargetMs ? 0 : 1;
    }

    private static Node[] Build()
    {
        // One million small objects in 1,000 lists: the shape of a test fixture's object graph.
        var heap = new Node[Objects];
        for (int i = 0; i < Objects; i++) heap[i] = new Node(i, i % 1000 == 0 ? null : heap[i - 1]);
        return heap;
    }

    /// <summary>Allocates two million short-lived objects and returns the milliseconds it took.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Workload()
    {
        var clock = Stopwatch.StartNew();
        long sum = 0;
        for (int i = 0; i < 2_000_000; i++)
        {
            s_sink = new Node(i, null); // stored, so the JIT cannot put it on the stack
            sum += s_sink.Value;
        }
        GC.KeepAlive(sum);
        double ms = clock.Elapsed.TotalMilliseconds;
        return ms;
    }

    /// <summary>Probes made and dropped between checkpoint and check: the passing case.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeProbes()
    {
        for (int i = 0; i < 100; i++) GC.KeepAlive(new Probe());
    }

    private sealed record Node(long Value, Node? Next);

    private sealed class Probe;
}
