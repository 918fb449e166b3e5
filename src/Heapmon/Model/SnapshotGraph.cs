namespace Heapmon.Model;

/// <summary>
/// The object graph kept with a heap snapshot for later path queries: per object a type (an index
/// into the snapshot's <see cref="HeapSnapshotData.Types"/>) and a shallow size, references as CSR arrays,
/// and the roots with their labels. Object ids are dense, in address order at the walk.
/// </summary>
internal sealed class SnapshotGraph(int[] types, uint[] sizes, int[] offsets, int[] edges, int[] rootObjects, GcRootKind[] rootKinds, string[] rootLabels)
{
    public int[] Types { get; } = types;
    public uint[] Sizes { get; } = sizes;
    public int[] Offsets { get; } = offsets;
    public int[] Edges { get; } = edges;
    public int[] RootObjects { get; } = rootObjects;
    public GcRootKind[] RootKinds { get; } = rootKinds;
    public string[] RootLabels { get; } = rootLabels;

    public int ObjectCount => Types.Length;
}
