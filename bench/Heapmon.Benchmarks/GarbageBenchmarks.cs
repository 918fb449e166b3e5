using BenchmarkDotNet.Attributes;
using Heapmon.Garbage;

namespace Heapmon.Benchmarks;

/// <summary>
/// Cycles among 1,000,000 objects (target: under 1 s): 200,000 rings of five nodes,
/// each ring also pointing at the next, so one root reaches them all and every ring is a cycle.
/// Baseline: the same search through ClrMD's reference enumeration over the heap
/// (<see cref="CycleFinder.FindAmongInstancesOf"/>); measured: <see cref="CycleFinder.FindAmong"/>
/// reading fields through live references.
/// </summary>
[MemoryDiagnoser]
public class GarbageBenchmarks
{
    private const int Rings = 200_000;
    private const int RingLength = 5;
    private BenchNode? _root;

    [GlobalSetup]
    public void Setup()
    {
        BenchNode? previous = null;
        for (int r = Rings - 1; r >= 0; r--)
        {
            var ring = new BenchNode[RingLength];
            for (int i = 0; i < RingLength; i++) ring[i] = new BenchNode();
            for (int i = 0; i < RingLength; i++) ring[i].Next = ring[(i + 1) % RingLength];
            ring[0].Out = previous;
            previous = ring[0];
        }
        _root = previous;
        // Check once that both routes see the whole graph; a benchmark of a wrong answer is worthless.
        CycleReport report = CycleFinder.FindAmong([_root], new CycleOptions { MaxCycles = 1 });
        if (report.ObjectsExamined != Rings * RingLength)
            throw new InvalidOperationException($"expected {Rings * RingLength} objects, examined {report.ObjectsExamined}");
    }

    // On a shared, overloaded machine wall-clock time mostly measures the wait for a core; the
    // process's CPU time per operation is printed as well (it includes the GC's own threads).
    private TimeSpan _cpuAtStart;
    private readonly List<double> _cpuMilliseconds = [];

    [IterationSetup]
    public void StartCpuClock() => _cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    [IterationCleanup]
    public void StopCpuClock() =>
        _cpuMilliseconds.Add((System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalMilliseconds);

    [GlobalCleanup]
    public void PrintCpuTime()
    {
        // The last iterations are the measured ones (after jitting, pilot and warm-up).
        var measured = _cpuMilliseconds.TakeLast(3).ToArray();
        Console.WriteLine($"// GarbageBenchmarks CPU time per operation (last {measured.Length} iterations): " +
            string.Join(", ", measured.Select(ms => ms.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + " ms")));
    }

    [Benchmark(Baseline = true, Description = "ClrMD heap walk (FindAmongInstancesOf)")]
    public int ClrMdEnumeration() => Check(CycleFinder.FindAmongInstancesOf(typeof(BenchNode), options: s_options));

    [Benchmark(Description = "Live references (FindAmong)")]
    public int LiveReferences() => Check(CycleFinder.FindAmong([_root], s_options));

    private static readonly CycleOptions s_options = new() { MaxCycles = Rings, MaxObjectsPerCycle = 1 };

    private static int Check(CycleReport report)
    {
        if (report.Cycles.Count != Rings) throw new InvalidOperationException($"expected {Rings} cycles, found {report.Cycles.Count}");
        return report.Cycles.Count;
    }

    /// <summary>A node of the benchmark graph.</summary>
    public sealed class BenchNode
    {
        /// <summary>The next node of its ring.</summary>
        public BenchNode? Next;

        /// <summary>The first node of the next ring.</summary>
        public BenchNode? Out;
    }
}
