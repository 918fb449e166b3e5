namespace Heapmon.Heap;

/// <summary>
/// A heap walk could not get a consistent view of the heap in the allowed attempts (GCs kept
/// interrupting it); nothing was returned, so no reference can be wrong.
/// </summary>
public sealed class HeapWalkException : Exception
{
    internal HeapWalkException(int attempts, string lastProblem)
        : base($"Could not get a consistent view of the heap in {attempts} attempt(s); last problem: {lastProblem}.")
    {
        Attempts = attempts;
    }

    /// <summary>How many walks were tried.</summary>
    public int Attempts { get; }
}
