using Heapmon.Testing;
using Xunit.Abstractions;

namespace Heapmon.Tests.Testing;

/// <summary>
/// HeapAssert.DoesNotLeak: garbage-only runs pass; a run that keeps one object per call fails with the
/// count the second pass grew by (exactly one per run) and the static that holds them.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class DoesNotLeakTests(ITestOutputHelper output) : IDisposable
{
    public void Dispose() => LeakyPool.s_idle.Clear();

    [Fact]
    public void RunsThatMakeOnlyGarbagePass()
    {
        LeakyPool.s_idle.Clear();
        HeapAssert.DoesNotLeak(() => LeakyPool.MakeGarbage(10), iterations: 100, warmup: 10);
    }

    [Fact]
    public void RunsThatKeepAnObjectEachFailWithTheTypeAndItsRoot()
    {
        LeakyPool.s_idle.Clear();
        LeakyPool.Leak(1000); // the list's growth beyond this is amortised: each run adds one connection and its buffer

        HeapAssertionException e = Assert.Throws<HeapAssertionException>(() => HeapAssert.DoesNotLeak(() => LeakyPool.Leak(1), iterations: 100, warmup: 10));

        output.WriteLine(e.Message);
        Assert.StartsWith("the heap kept ", e.Message);
        Assert.Contains("more after 100 more (10 warm-up runs before; tolerance 0 bytes); types that grew over 100 more runs:", e.Message);
        Assert.Contains("+100 Heapmon.Tests.Testing.LeakyConnection (+", e.Message);
        Assert.Contains("+100 System.Byte[] (+", e.Message);
        Assert.Contains("  Heapmon.Tests.Testing.LeakyConnection: 1,310 instances alive; #1 is held by static Heapmon.Tests.Testing.LeakyPool.s_idle", e.Message);
    }

    [Fact]
    public void ToleranceAllowsAKnownGrowth()
    {
        LeakyPool.s_idle.Clear();
        LeakyPool.Leak(1000);
        // 10 runs keep 10 connections (24 bytes) and their 64-byte buffers (88): 1,120 bytes. The test host's own
        // threads come and go, so the exact edge (1,120 passes, 1,119 fails) is checked in a quiet child (StabilityTests).
        HeapAssert.DoesNotLeak(() => LeakyPool.Leak(1), iterations: 10, warmup: 5, tolerance: 1120 + 4096);
        // Without tolerance, 100 runs (11,200 bytes kept) fail even if the host's own threads freed a few KiB meanwhile.
        Assert.Throws<HeapAssertionException>(() => HeapAssert.DoesNotLeak(() => LeakyPool.Leak(1), iterations: 100, warmup: 5, tolerance: 0));
    }
}
