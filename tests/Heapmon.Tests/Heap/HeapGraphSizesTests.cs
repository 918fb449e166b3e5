using Heapmon.Heap;

namespace Heapmon.Tests.Heap;

/// <summary>The graph's compact sizes (a byte per object, a side table for the rest) read back every size given, against the array they came from.</summary>
public sealed class HeapGraphSizesTests
{
    [Fact]
    public void EverySizeReadsBackExactlyWhetherSmallLargeOrUnaligned()
    {
        var random = new Random(1234);
        uint[] special = [0, 1, 7, 8, 16, 24, 2032, 2040, 2044, 2048, 2056, 85_000, 1 << 20, uint.MaxValue - 7, uint.MaxValue];
        uint[] sizes = [.. special, .. Enumerable.Range(0, 10_000).Select(_ => random.Next(4) switch
        {
            0 => (uint)random.Next(0, 4096),
            1 => (uint)random.Next(1, 300) * 8,
            2 => (uint)random.NextInt64(0, uint.MaxValue + 1L),
            _ => 24u,
        })];
        var graph = new HeapGraph(new int[sizes.Length], sizes, new int[sizes.Length + 1], [], [], sizes.Length);
        for (int v = 0; v < sizes.Length; v++) Assert.Equal(sizes[v], graph.Sizes[v]);
        Assert.Equal(sizes, graph.Sizes.ToArray(sizes.Length));
    }

    [Fact]
    public void SizesSetBeforeAResizeSurviveIt()
    {
        uint[] sizes = [24, 4096, 40, 3];
        var compact = new ObjectSizes(2);
        compact.Set(0, sizes[0]);
        compact.Set(1, sizes[1]);
        compact.Resize(4);
        compact.Set(2, sizes[2]);
        compact.Set(3, sizes[3]);
        Assert.Equal(sizes, compact.ToArray(4));
    }
}
