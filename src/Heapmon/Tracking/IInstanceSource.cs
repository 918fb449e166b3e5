namespace Heapmon.Tracking;

/// <summary>What class tracking needs from the Heap layer: instance discovery and the heap census.</summary>
internal interface IInstanceSource
{
    /// <summary>
    /// Live instances of <paramref name="types"/> (and subclasses); with <paramref name="youngOnly"/>
    /// only objects in the young generations may be returned. Null when no consistent view could be had.
    /// </summary>
    IReadOnlyList<object>? Find(IReadOnlyCollection<Type> types, bool youngOnly);

    /// <summary>The total live managed heap in bytes, from a census; null when unavailable.</summary>
    long? HeapTotal();
}
