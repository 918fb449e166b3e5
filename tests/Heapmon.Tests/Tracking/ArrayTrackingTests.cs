using System.Runtime.CompilerServices;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>Arrays are classes too: `TrackClass(typeof(byte[]))` finds byte arrays on the real heap.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class ArrayTrackingTests
{
    [Fact]
    public void TrackClassOfByteArraysCountsTheArraysMadeAfterItAtTheirLayoutSize()
    {
        using var tracker = new ClassTracker();
        tracker.TrackClass(typeof(byte[]));
        List<byte[]> kept = Make(200);

        Snapshot snapshot = tracker.CreateSnapshot();

        // A byte[12345] is a header, a MethodTable pointer and a length (24 bytes) plus its bytes, rounded up to 8.
        const long size = (24 + 12345 + 7) / 8 * 8;
        TrackerData data = tracker.ToData();
        Assert.Equal(200, data.Objects.Count(o => o.ClassName == "System.Byte[]" && o.Samples.Count == 1 && o.Samples[0].Size == size));
        Assert.True(Assert.Single(snapshot.Classes).Active >= 200);
        GC.KeepAlive(kept);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<byte[]> Make(int count) => [.. Enumerable.Range(0, count).Select(_ => new byte[12345])];
}
