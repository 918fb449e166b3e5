namespace Heapmon.Heap;

/// <summary>
/// How one attempt of a walk under a <see cref="HeapSession"/> ended: with its result (a plain value,
/// converted implicitly), or failed with a reason, to be retried or, for <see cref="WalkStep.Refuse"/>, not.
/// </summary>
internal readonly struct WalkStep<T>
{
    private WalkStep(T? value, HeapWalkFailure failure, string? problem, bool final)
    {
        Value = value;
        Failure = failure;
        Problem = problem;
        Final = final;
    }

    public T? Value { get; }

    public HeapWalkFailure Failure { get; }

    /// <summary>What the walk saw, when it failed; null on success.</summary>
    public string? Problem { get; }

    /// <summary>A failure that no retry can change.</summary>
    public bool Final { get; }

    public bool Succeeded => Problem is null;

    public static implicit operator WalkStep<T>(T value) => new(value, default, null, false);

    public static implicit operator WalkStep<T>(WalkStep failure) => new(default, failure.Reason, failure.Problem, failure.Final);
}

/// <summary>A failed attempt, for any <see cref="WalkStep{T}"/>: <c>return WalkStep.Retry(HeapWalkFailure.HeapChanging, "...")</c>.</summary>
internal readonly record struct WalkStep(HeapWalkFailure Reason, string Problem, bool Final)
{
    /// <summary>The attempt failed; the session tries again while its budget lasts.</summary>
    public static WalkStep Retry(HeapWalkFailure reason, string problem) => new(reason, problem, false);

    /// <summary>No attempt can succeed: the session throws at once, <paramref name="message"/> being the exception's.</summary>
    public static WalkStep Refuse(HeapWalkFailure reason, string message) => new(reason, message, true);
}
