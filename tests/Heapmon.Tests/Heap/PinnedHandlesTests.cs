using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Heap;

/// <summary>
/// The pinned-handle targets a full discovery reads without asking the DAC for types: the same set as
/// ClrMD's public handle list on a quiet heap (the oracle), with the objects this test pins among them.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class PinnedHandlesTests
{
    [Fact]
    public void TheRawHandleListFindsWhatClrMdsPublicOneFinds()
    {
        Assert.True(PinnedHandles.RawAvailable, "ClrMD's raw handle list was not found: discovery would fall back on the public one, which can crash");
        var pinnedHere = Enumerable.Range(0, 3).Select(i => new byte[16 + i]).ToArray();
        GCHandle[] handles = [.. pinnedHere.Select(o => GCHandle.Alloc(o, GCHandleType.Pinned))];
        try
        {
            using (HeapWalkLock.Enter())
            {
                ClrRuntime runtime = SelfRuntime.Fresh();
                HashSet<ulong> raw = PinnedHandles.Targets(runtime);
                HashSet<ulong> viaClrMd = [.. runtime.EnumerateHandles().Where(h => h.IsPinned && h.Object.Address != 0).Select(h => h.Object.Address)];
                Assert.Equal(viaClrMd.Order(), raw.Order());
                foreach (byte[] array in pinnedHere) Assert.Contains(AddressOf(array), raw);
            }
        }
        finally
        {
            foreach (GCHandle handle in handles) handle.Free();
        }
    }

    private static ulong AddressOf(object o) => (ulong)Unsafe.As<object, nint>(ref o);
}
