using System.Runtime.CompilerServices;
using Heapmon.Heap;

namespace Heapmon.Tests.Heap;

[Collection(HeapWalkCollection.Name)]
public sealed class SelfDataReaderTests
{
    private sealed class Marker { public int Value; }

    [Fact]
    public void ClrMdOverOurOwnProcessFindsEveryLiveInstance()
    {
        var markers = new Marker[1234];
        for (int i = 0; i < markers.Length; i++) markers[i] = new Marker { Value = i };
        GC.Collect();

        using var oracle = new ClrMdOracle();
        int found = oracle.Heap.EnumerateObjects(carefully: true)
            .Count(o => o.Type?.Name == typeof(Marker).FullName!.Replace('+', '+'));

        Assert.Equal(markers.Length, found);
        GC.KeepAlive(markers);
    }

    [Fact]
    public void ReadingAnUnmappedAddressReturnsZeroInsteadOfFaulting()
    {
        Span<byte> buffer = stackalloc byte[16];
        Assert.Equal(0, SelfDataReader.ReadSelf(8, buffer));
    }
}
