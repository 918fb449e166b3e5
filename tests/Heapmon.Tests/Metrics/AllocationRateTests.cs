using System.Diagnostics;
using System.Runtime.CompilerServices;
using Heapmon.Allocations;
using Heapmon.Metrics;
using Heapmon.Model;
using Heapmon.Tests.Allocations;

namespace Heapmon.Tests.Metrics;

/// <summary>Allocation rates by type while the tracer runs: an interval that holds the bytes a known loop allocated, over a clock the test moves.</summary>
[Collection(AllocationTracerCollection.Name)]
public sealed class AllocationRateTests : IDisposable
{
    private static object? s_sink;

    public void Dispose() => AllocationTracer.Stop();

    [Fact]
    public void TheRateIntervalHoldsTheBytesAKnownLoopAllocatedOverTheWindow()
    {
        long ticks = 0;
        var rates = new AllocationRates(() => ticks);
        Assert.Empty(rates.Rates()); // the tracer is off: nothing
        AllocationTracer.Start();
        rates.Rates();               // the session's first collection: the base

        long allocated = AllocateProbes(400_000);
        Assert.True(AllocationTracer.Flush());
        ticks += 4 * Stopwatch.Frequency;
        AllocationRates.Rate rate = rates.Rates().Single(r => r.TypeName.EndsWith("RateProbe", StringComparison.Ordinal));

        // Bytes per second over the 4 s the clock moved. A 95% interval misses one run in twenty, so the test
        // asks for the truth within 1.25 widths (about 5 standard errors): sound against sampling variance.
        double truth = allocated / 4.0;
        Estimate r = rate.BytesPerSecond;
        Assert.True(r.Low <= r.Value && r.Value <= r.High);
        Assert.True(Math.Abs(r.Value - truth) <= 1.25 * (r.High - r.Low), $"{r} is too far from {truth}");
        Assert.InRange(rate.BytesPerSecond.RelativeHalfWidth, 0.001, 0.25);

        // Ten seconds on with nothing allocated, the window holds no growth: the type is no longer reported.
        ticks += 11 * Stopwatch.Frequency;
        rates.Rates();
        ticks += 2 * Stopwatch.Frequency;
        Assert.DoesNotContain(rates.Rates(), r => r.TypeName.EndsWith("RateProbe", StringComparison.Ordinal));

        AllocationTracer.Stop();
        Assert.Empty(rates.Rates());
    }

    /// <summary>Allocates <paramref name="count"/> probes on the heap and returns the bytes allocated, as the runtime counts them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocateProbes(int count)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++) s_sink = new RateProbe(i);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private sealed class RateProbe(long value)
    {
        public long Value { get; } = value;
        public long Other { get; } = value * 2;
    }
}
