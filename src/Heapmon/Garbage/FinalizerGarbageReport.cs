namespace Heapmon.Garbage;

/// <summary>One type's share of the finalizer-only garbage.</summary>
/// <param name="TypeName">The type.</param>
/// <param name="Count">Objects of the type reachable only through the finalization queue.</param>
/// <param name="TotalSize">Their shallow bytes.</param>
public sealed record FinalizerGarbageEntry(string TypeName, int Count, long TotalSize);

/// <summary>
/// Objects that nothing but the finalization machinery keeps: undisposed IDisposables left to
/// their finalizers, the .NET cousin of Python's uncollectable gc.garbage.
/// </summary>
/// <param name="Types">Per type, most objects first.</param>
/// <param name="AwaitingGc">Dead but still registered: the next GC hands them to the finalizer thread.</param>
/// <param name="AwaitingFinalizer">Already in the finalizer queue (f-reachable), waiting for their finalizer to run.</param>
/// <param name="FinalizableObjects">Objects whose finalizer is still to run (registered and not suppressed, or queued), live or dead.</param>
public sealed record FinalizerGarbageReport(IReadOnlyList<FinalizerGarbageEntry> Types, int AwaitingGc, int AwaitingFinalizer, int FinalizableObjects)
{
    /// <summary>Objects in the report.</summary>
    public int Count => AwaitingGc + AwaitingFinalizer;

    /// <summary>A table by type: count, bytes, type name.</summary>
    public override string ToString() => GarbageText.Finalizer(this);
}
