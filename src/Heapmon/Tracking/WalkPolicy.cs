using Heapmon.Heap;

namespace Heapmon.Tracking;

/// <summary>
/// Decides when a periodic snapshot may find new class instances with a walk of the young
/// generations only (docs/tracking.md) instead of a full GC and a whole-heap walk.
/// </summary>
/// <remarks>
/// A gen0 GC moves survivors from gen0 to gen1 and leaves gen1 alone; only a gen1 or gen2 GC moves
/// anything into gen2. The Heap layer's young walk starts with a gen0 GC and walks gen0 and gen1. So
/// while neither the gen1 nor the gen2 collection count has moved since the last walk's moment,
/// every instance made since is in reach of a young walk, however many gen0 GCs ran; the walk also
/// stands when its own GC, the only one since, collected gen1 too (<see cref="GcCounts.YoungWalkFindsAllMadeSince"/>).
/// The gen2 count matters on its own: a background GC moves it and not the gen1 count (measured:
/// counting only gen1 missed a round of instances while background GCs ran). The tracked classes must
/// be the same, and none of them may have instances on the large-object heap (which the young walk
/// skips). Otherwise the walk is full: never a silent miss.
/// </remarks>
internal sealed class WalkPolicy
{
    private GcCounts? _moment;
    private Type[] _walked = [];
    private AllocationMark _mark;

    /// <summary>The last walk's moment when a young walk may find every instance made since; null when the walk must be full.</summary>
    public GcCounts? YoungSince(Type[] classes)
    {
        if (_moment is not { } moment) return null;
        GcCounts now = GcCounts.Now();
        return now.Gen2 == moment.Gen2 && now.Gen1 == moment.Gen1
            && classes.AsSpan().SequenceEqual(_walked)
            && !Array.Exists(classes, MayBeLarge) ? moment : null;
    }

    /// <summary>Whether the last successful walk looked for exactly <paramref name="classes"/>, none of which can be a large object.</summary>
    public bool Walked(Type[] classes) => _moment is not null && classes.AsSpan().SequenceEqual(_walked) && !Array.Exists(classes, MayBeLarge);

    /// <summary>
    /// Allocation counters, read before a walk starts: whatever is allocated after it shows in them.
    /// Empty off a periodic-snapshot thread, where no walk may be skipped: the precise total stops
    /// every thread for a moment, which a manual snapshot need not pay.
    /// </summary>
    public static AllocationMark Mark()
    {
        if (!PeriodicSnapshots.OnSnapshotThread) return default;
        // The watchers' bytes are read before the total: bytes they add in between look like the program's.
        long watchers = GcWatcher.AllocatedBytes;
        return new(GC.GetTotalAllocatedBytes(precise: true), GC.GetAllocatedBytesForCurrentThread() + watchers, Environment.CurrentManagedThreadId);
    }

    /// <summary>Records a successful walk: its classes, the collection counts at its moment, the allocation counters before it.</summary>
    public void Completed(Type[] classes, GcCounts moment, AllocationMark before)
    {
        _walked = classes;
        _moment = moment;
        _mark = before;
    }

    /// <summary>
    /// Whether no thread but this one, a periodic-snapshot thread, has allocated a byte since the last
    /// walk began: then there is no new instance to find (only the tracker's own code runs on that
    /// thread) and a young walk may be skipped. Exact, from the GC's precise counters; an idle program
    /// then costs no walks. On any other thread the program's own allocations cannot be told apart.
    /// </summary>
    public bool NothingAllocatedElsewhereSince(AllocationMark now)
        => PeriodicSnapshots.OnSnapshotThread && _mark.ThreadId == now.ThreadId && _mark.Total != 0
           && now.Total - _mark.Total == now.OwnThread - _mark.OwnThread;

    /// <summary>Whether instances may be large objects: arrays and strings, and the types they derive from or implement.</summary>
    private static bool MayBeLarge(Type type)
        => type.IsArray || type == typeof(string) || type == typeof(object) || type == typeof(Array)
           || type.IsInterface && (type.IsAssignableFrom(typeof(int[])) || type.IsAssignableFrom(typeof(string))
               || type.IsGenericTypeDefinition && typeof(int[]).GetInterfaces().Concat(typeof(string).GetInterfaces())
                   .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == type));
}

/// <summary>The GC's allocation counters at one point: all threads (precise), and the tracker's own (this thread's and the GC watchers').</summary>
internal readonly record struct AllocationMark(long Total, long OwnThread, int ThreadId);
