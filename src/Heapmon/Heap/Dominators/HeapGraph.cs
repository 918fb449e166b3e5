namespace Heapmon.Heap;

/// <summary>
/// The object graph of one heap walk in compact form: objects are dense ids 0..N-1 in address order,
/// each with a type index and a shallow size; references are CSR arrays (the successors of object
/// <c>v</c> are <c>Edges[Offsets[v]..Offsets[v + 1]]</c>); the GC roots are the successors of a
/// virtual root above them all. Int arrays only: no .NET object per heap object.
/// </summary>
internal sealed class HeapGraph
{
    public HeapGraph(int[] typeIds, uint[] sizes, int[] offsets, int[] edges, int[] roots, int nodeCount)
        : this(ObjectTypes.From(typeIds, nodeCount), ObjectSizes.From(sizes, nodeCount), offsets, edges, roots, nodeCount)
    {
    }

    public HeapGraph(ObjectTypes typeIds, ObjectSizes sizes, int[] offsets, int[] edges, int[] roots, int nodeCount)
    {
        if (offsets.Length < nodeCount + 1) throw new ArgumentException("offsets must hold nodeCount + 1 entries", nameof(offsets));
        TypeIds = typeIds;
        Sizes = sizes;
        Offsets = offsets;
        Edges = edges;
        Roots = roots;
        NodeCount = nodeCount;
    }

    /// <summary>Objects in the graph (the arrays may be longer).</summary>
    public int NodeCount { get; }

    /// <summary>Per object: an index into the walk's type table (<c>TypeIds[v]</c>).</summary>
    public ObjectTypes TypeIds { get; }

    /// <summary>Per object: its shallow size in bytes (<c>Sizes[v]</c>).</summary>
    public ObjectSizes Sizes { get; }

    /// <summary>CSR row starts; <c>Offsets[NodeCount]</c> is the edge count.</summary>
    public int[] Offsets { get; }

    /// <summary>CSR references, as object ids.</summary>
    public int[] Edges { get; }

    /// <summary>The objects the GC roots point at (may repeat).</summary>
    public int[] Roots { get; }

    /// <summary>References in the graph.</summary>
    public int EdgeCount => Offsets[NodeCount];
}
