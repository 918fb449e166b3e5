using Heapmon.Heap;

namespace Heapmon.Tracking;

/// <summary>What class tracking needs from the Heap layer: instance discovery and the heap census.</summary>
internal interface IInstanceSource
{
    /// <summary>
    /// Live instances of <paramref name="types"/> (and subclasses). With <paramref name="youngSince"/>, the
    /// collection counts at the last walk's moment, only the young generations are walked (every instance
    /// made since that moment is there, or the call fails).
    /// Throws <see cref="Heap.HeapWalkException"/> when no consistent view could be had.
    /// </summary>
    Discovered? Find(IReadOnlyCollection<Type> types, GcCounts? youngSince);

    /// <summary>The total live managed heap in bytes, from a census; null when unavailable.</summary>
    long? HeapTotal();
}

/// <summary>What one discovery found, and the collection counts at its moment (for the next young walk).</summary>
internal sealed record Discovered(IReadOnlyList<object> Instances, GcCounts Moment);
