namespace Heapmon.Heap;

/// <summary>
/// The one process-wide lock behind which every heap walk, forced GC and no-GC region of Heapmon runs
/// (docs/heap.md, How it works): a no-GC region is process-wide, so two walks at once break each other.
/// <see cref="HeapSession"/> takes it for every walk; the createdump snapshot route takes it too.
/// Reentrant: a tracker holding it may call <see cref="InstanceFinder"/> and <see cref="HeapCensus"/>.
/// </summary>
internal static class HeapWalkLock
{
    private static readonly Lock s_lock = new();

    /// <summary>Takes the lock until the returned scope is disposed (<c>using var _ = HeapWalkLock.Enter();</c>).</summary>
    public static Lock.Scope Enter() => s_lock.EnterScope();

    /// <summary>Whether the calling thread holds the lock.</summary>
    public static bool IsHeldByCurrentThread => s_lock.IsHeldByCurrentThread;
}
