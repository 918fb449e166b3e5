namespace Heapmon.Garbage;

/// <summary>One reference from an object of a cycle to another, by field (index into <see cref="ReferenceCycle.Objects"/>).</summary>
/// <param name="From">Index of the referring object.</param>
/// <param name="To">Index of the referenced object.</param>
/// <param name="Field">The field holding the reference ("_next", "left.value" inside a struct, "[3]" for an array element).</param>
public sealed record ObjectReference(int From, int To, string Field);

/// <summary>
/// A strongly connected set of objects: every one reaches every other through the listed
/// references (Heapmonitor: a reference cycle in the garbage graph).
/// </summary>
/// <param name="ObjectCount">Objects in the cycle; <see cref="Objects"/> may hold fewer when the cycle is larger than the report's limit.</param>
/// <param name="Objects">The objects, at most <see cref="CycleOptions.MaxObjectsPerCycle"/>.</param>
/// <param name="References">The references among <see cref="Objects"/> that form the cycle.</param>
public sealed record ReferenceCycle(int ObjectCount, IReadOnlyList<HeapObjectInfo> Objects, IReadOnlyList<ObjectReference> References)
{
    /// <summary>Total shallow bytes of the listed objects.</summary>
    public long TotalSize => Objects.Sum(o => o.Size);
}
