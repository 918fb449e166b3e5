using BenchmarkDotNet.Attributes;
using Heapmon.Allocations;
using Heapmon.Model;
using Heapmon.Sampling;

namespace Heapmon.Benchmarks;

/// <summary>
/// A snapshot plus its top over 10,000 samples (target: under 1 s). "Stored" reads samples already in
/// the tracer; "Live" has the session running, so each snapshot also waits for the session to flush.
/// </summary>
public class AllocSnapshotBenchmarks
{
    private const int Samples = 10_000;

    private static void Fill()
    {
        SampleStore store = AllocationTracer.Samples;
        store.Clear();
        var random = new Random(42);
        int[] stacks = new int[500];
        for (int s = 0; s < stacks.Length; s++)
            stacks[s] = store.AddStack([.. Enumerable.Range(0, 5).Select(f => new TraceFrame($"/src/app/Module{s % 40}/File{(s + f) % 90}.cs", 10 + (s * 7 + f) % 400, $"App.Module{s % 40}.Method{f}"))]);
        for (int i = 0; i < Samples; i++)
        {
            long size = random.Next(4) switch { 0 => 24, 1 => random.Next(24, 1000), 2 => random.Next(1000, 90_000), _ => random.Next(90_000, 2_000_000) } & ~7L;
            store.Add(0x7f00_0000_0000 + i * 64L, 0, $"App.Type{random.Next(50)}", size, stacks[random.Next(stacks.Length)]);
        }
    }

    [GlobalSetup(Target = nameof(Stored))]
    public void SetupStored() => Fill();

    [GlobalSetup(Target = nameof(Live))]
    public void SetupLive()
    {
        AllocationTracer.Start(tracebackLimit: 5);
        Fill();
    }

    [GlobalCleanup(Target = nameof(Live))]
    public void CleanupLive() => AllocationTracer.Stop();

    [Benchmark(Baseline = true)]
    public AllocationSnapshot Stored() => SnapshotAndTop();

    [Benchmark]
    public AllocationSnapshot Live() => SnapshotAndTop();

    private static AllocationSnapshot SnapshotAndTop()
    {
        AllocationSnapshot snapshot = AllocationSnapshot.Take(traces: true);
        new DisplayTop().DisplaySnapshot(snapshot, 10, GroupBy.Line, output: TextWriter.Null);
        return snapshot;
    }
}
