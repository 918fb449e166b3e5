using System.Runtime.CompilerServices;
using Heapmon.Model;

namespace Heapmon.Tracking;

/// <summary>
/// The tracker's sizing: gathers the tracked objects alive at a snapshot, in announcement order, and
/// sizes them with the measurer, holding them strongly only while they are sized. Called under the
/// snapshot gate only.
/// </summary>
internal sealed class SnapshotSizing
{
    private readonly ISnapshotMeasurer _measurer;
    private LiveObjects? _live;

    public SnapshotSizing(ISnapshotMeasurer measurer) => _measurer = measurer;

    /// <summary>Collects the tracked objects alive now, in announcement order; records deaths not yet observed. Call under the tracker's lock.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public LiveObjects Gather(TrackedSlots slots, int labelCount, long nowTicks)
    {
        int count = slots.WatchedCount;
        // Reused from one snapshot to the next: 100,000 objects make these large-object-heap arrays,
        // and allocating them at 10 Hz would cost a full GC every few snapshots.
        LiveObjects live = _live is { } reuse && reuse.Capacity >= count ? reuse : _live = NewBuffers(count + count / 8);
        live.LabelCount = labelCount;
        slots.GatherLive(live, nowTicks);
        return live;
    }

    private static LiveObjects NewBuffers(int capacity)
    {
        // A reference, a level, three sizes and a tree per object, and the sizer's seen-set about as much again.
        Heap.MemoryHeadroom.Check(capacity * 80L, "a snapshot");
        return new LiveObjects(capacity);
    }

    /// <summary>
    /// Fills the sizes, flat sizes and trees of <paramref name="live"/>, then lets go of its objects; <paramref name="keepBuffers"/>
    /// when another snapshot is coming soon (periodic snapshots): the buffers are kept for it.
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public void Measure(LiveObjects live, bool keepBuffers)
    {
        int count = live.Count;
        try
        {
            _measurer.Measure(live.Objects, live.Levels.AsSpan(0, count),
                live.Sizes.AsSpan(0, count), live.Flats.AsSpan(0, count), live.Trees.AsSpan(0, count));
        }
        finally
        {
            live.ReleaseObjects(); // the strong references end with the sizing
            if (!keepBuffers)
            {
                // Buffers are kept only for periodic snapshots; between manual ones they would be dead weight.
                _live = null;
                _measurer.Release();
            }
        }
    }
}
