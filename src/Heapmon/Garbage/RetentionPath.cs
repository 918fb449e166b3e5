namespace Heapmon.Garbage;

/// <summary>
/// One chain of references from a GC root to the target (dotnet-dump gcroot's output, one root).
/// <see cref="Objects"/> runs from the object the root holds to the target;
/// <see cref="Fields"/>[i] is the field of Objects[i] that refers to Objects[i + 1].
/// </summary>
/// <param name="Root">The root that holds the chain.</param>
/// <param name="Objects">The objects, the root's object first and the target last.</param>
/// <param name="Fields">Field names joining consecutive objects (one fewer than <paramref name="Objects"/>).</param>
public sealed record RetentionPath(GcRoot Root, IReadOnlyList<HeapObjectInfo> Objects, IReadOnlyList<string> Fields);
