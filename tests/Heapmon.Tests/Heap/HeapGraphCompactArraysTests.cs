using Heapmon.Heap;

namespace Heapmon.Tests.Heap;

/// <summary>
/// The graph's compact per-object arrays read back every value given, against the array they came from: sizes (a byte
/// per object, a side table for the rest) and type indexes (two bytes per object until an index needs more).
/// </summary>
public sealed class HeapGraphCompactArraysTests
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

    [Fact]
    public void TypeIndexesReadBackExactlyBeforeAndAfterOneNeedsMoreThanTwoBytes()
    {
        var random = new Random(99);
        int[] ids = [.. Enumerable.Range(0, 5_000).Select(_ => random.Next(ushort.MaxValue + 1)), ushort.MaxValue, 0];
        var graph = new HeapGraph(ids, new uint[ids.Length], new int[ids.Length + 1], [], [], ids.Length);
        Assert.True(graph.TypeIds.IsNarrow);
        for (int v = 0; v < ids.Length; v++) Assert.Equal(ids[v], graph.TypeIds[v]);

        int[] wider = [.. ids.Take(3_000), ushort.MaxValue + 1, .. ids.Skip(3_000), int.MaxValue];
        int capacity = 100;
        var types = new ObjectTypes(capacity);
        for (int v = 0; v < wider.Length; v++)
        {
            if (v == capacity) types.Resize(capacity *= 2);   // before and after the widening at 3,000
            types.Set(v, wider[v]);
        }
        Assert.False(types.IsNarrow);
        for (int v = 0; v < wider.Length; v++) Assert.Equal(wider[v], types[v]);
    }
}
