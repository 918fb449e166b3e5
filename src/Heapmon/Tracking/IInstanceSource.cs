namespace Heapmon.Tracking;

/// <summary>What class tracking needs from the Heap layer: instance discovery and the heap census.</summary>
internal interface IInstanceSource
{
    /// <summary>
    /// Live instances of <paramref name="types"/> (and subclasses); with <paramref name="youngOnly"/>
    /// only objects in the young generations may be returned. Null when no consistent view could be had.
    /// </summary>
    Discovered? Find(IReadOnlyCollection<Type> types, bool youngOnly);

    /// <summary>The total live managed heap in bytes, from a census; null when unavailable.</summary>
    long? HeapTotal();
}

/// <summary>
/// What one discovery found, and the gen1 and gen2 collection counts as of its moment: while neither
/// has moved, every instance made since is in gen0 or gen1, where a young walk finds it.
/// </summary>
internal sealed record Discovered(IReadOnlyList<object> Instances, int Gen1Collections, int Gen2Collections);
