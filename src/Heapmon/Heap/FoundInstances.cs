namespace Heapmon.Heap;

/// <summary>The live instances one discovery found, exact for one moment, and what it took to find them.</summary>
public sealed class FoundInstances
{
    internal FoundInstances(IReadOnlyList<object> instances, HeapScope scope, int attempts, long objectsWalked, TimeSpan elapsed)
    {
        Instances = instances;
        Scope = scope;
        Attempts = attempts;
        ObjectsWalked = objectsWalked;
        Elapsed = elapsed;
    }

    /// <summary>The instances, as strong references: drop them (or hold them weakly) to not extend their lives.</summary>
    public IReadOnlyList<object> Instances { get; }

    /// <summary>The part of the heap that was walked.</summary>
    public HeapScope Scope { get; }

    /// <summary>Walks it took (1 unless a GC interrupted a walk and it was retried).</summary>
    public int Attempts { get; }

    /// <summary>Objects the successful walk visited.</summary>
    public long ObjectsWalked { get; }

    /// <summary>Wall time of the whole call, including GCs and retries.</summary>
    public TimeSpan Elapsed { get; }
}
