namespace Heapmon.Heap;

/// <summary>
/// A heap walk could not get a consistent view of the heap: <see cref="Reason"/> says why (GCs kept
/// interrupting it, the program holds a no-GC region...). Nothing was returned, so no reference can be wrong.
/// The one exception every heap walk of Heapmon throws for this; never the runtime's own.
/// </summary>
public sealed class HeapWalkException : Exception
{
    internal HeapWalkException(HeapWalkFailure reason, int attempts, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        Attempts = attempts;
    }

    /// <summary>Why the walk gave up (the last attempt's reason when several attempts failed).</summary>
    public HeapWalkFailure Reason { get; }

    /// <summary>How many walks were tried (0 when the walk was refused before any).</summary>
    public int Attempts { get; }
}
