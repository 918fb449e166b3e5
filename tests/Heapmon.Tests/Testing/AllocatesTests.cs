using Heapmon.Testing;

namespace Heapmon.Tests.Testing;

/// <summary>
/// HeapAssert.Allocates is exact: an array whose size the layout gives (base 24 bytes + one per element,
/// rounded to 8) passes at its size and fails one byte under it, naming the type from the sampled re-run.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class AllocatesTests
{
    private static object? s_sink;

    /// <summary>Stored in a static so the JIT cannot put it on the stack (.NET 10 does for arrays that do not escape).</summary>
    private static void AllocateKilobyteArray() => s_sink = new byte[1000];

    private const long KilobyteArraySize = 1024; // 8 (header) + 8 (MethodTable) + 8 (length) + 1000, rounded up to 8

    [Fact]
    public void PassesAtTheExactSizeAndFailsOneByteUnder()
    {
        AllocateKilobyteArray(); // first run: the method's own first-call costs are not this test's subject

        HeapAssert.Allocates(AllocateKilobyteArray, atMost: KilobyteArraySize);
        HeapAssertionException e = Assert.Throws<HeapAssertionException>(() => HeapAssert.Allocates(AllocateKilobyteArray, atMost: KilobyteArraySize - 1));

        Assert.StartsWith("allocated 1,024 bytes on this thread (expected at most 1,023: 1 over)", e.Message);
        Assert.Contains("System.Byte[]", e.Message);
        Assert.Contains("AllocatesTests.cs:", e.Message);
        Assert.False(Heapmon.Allocations.AllocationTracer.IsTracing);
        GC.KeepAlive(s_sink);
    }

    [Fact]
    public void AnActionThatAllocatesNothingPassesAtZero()
    {
        int sum = 0;
        HeapAssert.Allocates(() => sum += 1, atMost: 0);
        HeapAssertionException e = Assert.Throws<HeapAssertionException>(() => HeapAssert.Allocates(() => s_sink = new object(), atMost: 0));

        Assert.StartsWith("allocated 24 bytes on this thread (expected at most 0: 24 over)", e.Message);
        Assert.Equal(1, sum);
    }
}
