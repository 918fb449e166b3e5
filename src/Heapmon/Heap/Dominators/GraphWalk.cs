using Heapmon.Model;

namespace Heapmon.Heap;

/// <summary>
/// What one graph walk read: the graph, its type names and, parallel to <see cref="HeapGraph.Roots"/>, each root's
/// kind, label and whether it is Heapmon's own (a static of Heapmon or ClrMD: the profiler, left out of the figures).
/// </summary>
internal sealed record GraphWalk(HeapGraph Graph, string[] TypeNames, GcRootKind[] RootKinds, string[] RootLabels, bool[] RootOwn)
{
    /// <summary>Each object's address at the walk, by id, when the caller asked to keep them (tests compare with ClrMD).</summary>
    public ulong[]? Addresses { get; init; }
}
