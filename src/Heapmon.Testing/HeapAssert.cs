namespace Heapmon.Testing;

/// <summary>
/// Memory assertions for unit tests in any framework (xunit, NUnit, MSTest): each throws
/// <see cref="HeapAssertionException"/> with a message that says what was found and why it is alive
/// (pytest-memray: limit_memory, limit_leaks; dotMemory Unit: dotMemory.Check).
/// </summary>
/// <remarks>
/// Every check walks the whole heap after a full GC with finalizers run, so run these tests one at a
/// time (not in parallel with other tests that allocate the same types).
/// </remarks>
public static class HeapAssert
{
    /// <summary>Fails when any instance of <typeparamref name="T"/> (or a subclass) is alive after a full collect (dotMemory Unit: ObjectsCount == 0).</summary>
    /// <exception cref="HeapAssertionException">An instance is alive; the message gives the retention path of the first few.</exception>
    public static void NoInstances<T>() => Instances<T>(atMost: 0);

    /// <summary>Fails when more than <paramref name="atMost"/> instances of <typeparamref name="T"/> (or subclasses) are alive after a full collect.</summary>
    /// <exception cref="HeapAssertionException">Too many instances are alive; the message gives the retention path of the first few.</exception>
    public static void Instances<T>(int atMost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(atMost);
        IReadOnlyList<object>? alive = SurvivorReport.FindUnless(typeof(T), found => found.Count <= atMost);
        if (alive is null || alive.Count <= atMost) return;
        string name = TypeNames.Display(typeof(T));
        string expected = atMost == 0 ? "expected none" : $"expected at most {atMost}";
        throw new HeapAssertionException(SurvivorReport.Failure(
            $"{SurvivorReport.Instances(alive.Count)} of {name} alive after a full GC ({expected})", alive));
    }

    /// <summary>
    /// Marks the heap now; the returned checkpoint then checks what survived since
    /// (dotMemory Unit: GetCheckPoint + GetDifference).
    /// </summary>
    public static HeapCheckpoint Checkpoint() => HeapCheckpoint.Take();

    /// <summary>
    /// Fails when <paramref name="action"/> allocates more than <paramref name="atMost"/> bytes on this thread, counted
    /// exactly by the GC (pytest-memray: limit_memory; the counter is GC.GetAllocatedBytesForCurrentThread).
    /// </summary>
    /// <exception cref="HeapAssertionException">It allocated more; the message lists the top types and lines of a sampled re-run.</exception>
    public static void Allocates(Action action, long atMost) => AllocationAssertion.Check(action, atMost);

    /// <summary>
    /// Fails when running <paramref name="action"/> <paramref name="iterations"/> times, after <paramref name="warmup"/> runs,
    /// leaves more than <paramref name="tolerance"/> bytes more alive on the heap (pytest-memray: limit_leaks).
    /// </summary>
    /// <exception cref="HeapAssertionException">The heap grew; the message lists the types that grew and why the first is alive.</exception>
    public static void DoesNotLeak(Action action, int iterations = 100, int warmup = 10, long tolerance = 0)
        => LeakAssertion.Check(action, iterations, warmup, tolerance);
}
