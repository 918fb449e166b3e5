using Heapmon.Model;

namespace Heapmon.Tracking;

/// <summary>
/// What a snapshot needs from the Sizing layer: size tracked objects in announcement order with
/// the accounting rules (shared data counted once, for the first object that reaches it; a tracked
/// object never counted inside another).
/// </summary>
internal interface ISnapshotMeasurer
{
    /// <summary>
    /// Sizes <paramref name="objects"/> in order, every one excluded from the others' sizes;
    /// fills <paramref name="sizes"/> and <paramref name="flats"/>, and <paramref name="trees"/>
    /// where <paramref name="levels"/> is above 0.
    /// </summary>
    void Measure(ReadOnlySpan<object> objects, ReadOnlySpan<int> levels, Span<long> sizes, Span<long> flats, Span<ReferentNode?> trees);

    /// <summary>Drops buffers kept for the next snapshot (called when no periodic snapshot is coming soon).</summary>
    void Release() { }
}
