namespace Heapmon.Model;

/// <summary>The roots of one kind in a heap snapshot.</summary>
/// <param name="Kind">The kind of root.</param>
/// <param name="Count">Roots of this kind that point at an object.</param>
/// <param name="RetainedBytes">Bytes held by roots of this kind alone (the dominator subtrees of the objects they are first to reach).</param>
public sealed record HeapRootSummary(GcRootKind Kind, long Count, long RetainedBytes);

/// <summary>
/// An object whose retained size is among the largest (MAT: the biggest objects of the dominator tree),
/// with the way it is held: the root and the chain of dominators from that root down to it.
/// </summary>
/// <param name="TypeName">The object's type.</param>
/// <param name="Bytes">Its shallow size.</param>
/// <param name="RetainedBytes">The bytes a GC would free if it died.</param>
/// <param name="RootKind">The kind of the root its dominator path starts from.</param>
/// <param name="Root">That root in words ("static MyApp.Cache.s_items").</param>
/// <param name="Path">The types along the dominator path, from the object the root holds down to this one ("…" where elided).</param>
/// <param name="Held">The types it retains, most retained bytes first (at most a few).</param>
public sealed record HeapRetainer(
    string TypeName,
    long Bytes,
    long RetainedBytes,
    GcRootKind RootKind,
    string Root,
    IReadOnlyList<string> Path,
    IReadOnlyList<HeapTypeSummary> Held);
