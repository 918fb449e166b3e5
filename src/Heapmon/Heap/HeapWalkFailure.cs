namespace Heapmon.Heap;

/// <summary>Why a heap walk gave up (<see cref="HeapWalkException.Reason"/>); in every case nothing was returned, so nothing can be wrong.</summary>
public enum HeapWalkFailure
{
    /// <summary>A GC ran during the walk on every attempt (other threads calling <c>GC.Collect()</c> or allocating fast); try again later.</summary>
    GcInterrupted,

    /// <summary>The walk met heap memory it could not trust on the last attempt (other threads were allocating into the ranges it read).</summary>
    HeapChanging,

    /// <summary>The walk and the program's threads together allocated more than the no-GC region's budget, up to the largest budget allowed.</summary>
    BudgetExhausted,

    /// <summary>The program holds a no-GC region of its own (<c>GC.TryStartNoGCRegion</c>): refused before any GC, so as not to end it.</summary>
    ProgramHoldsNoGCRegion,

    /// <summary>A young walk cannot see every instance: a gen1 or gen2 GC since the last walk may have moved some to gen2. Walk the whole heap.</summary>
    YoungWalkOutOfReach,

    /// <summary>No snapshot of the process could be taken (createdump, <c>DataTarget.CreateSnapshotAndAttach</c>).</summary>
    SnapshotFailed,
}
