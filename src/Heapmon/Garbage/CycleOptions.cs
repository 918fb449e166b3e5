namespace Heapmon.Garbage;

/// <summary>Limits of a cycle search; fixed once the search starts.</summary>
public sealed record CycleOptions
{
    /// <summary>The defaults: up to 50 million objects, 10,000 cycles, 1,000 objects listed per cycle.</summary>
    public static CycleOptions Default { get; } = new();

    /// <summary>Stop following references after this many objects; the report then says it is incomplete.</summary>
    public int MaxObjects { get; init; } = 50_000_000;

    /// <summary>Report at most this many cycles (the largest first).</summary>
    public int MaxCycles { get; init; } = 10_000;

    /// <summary>List at most this many objects of one cycle (its full size is still counted).</summary>
    public int MaxObjectsPerCycle { get; init; } = 1_000;

    internal void Validate()
    {
        if (MaxObjects < 1) throw new ArgumentOutOfRangeException(nameof(MaxObjects), MaxObjects, "must be at least 1");
        if (MaxCycles < 0) throw new ArgumentOutOfRangeException(nameof(MaxCycles), MaxCycles, "must not be negative");
        if (MaxObjectsPerCycle < 1) throw new ArgumentOutOfRangeException(nameof(MaxObjectsPerCycle), MaxObjectsPerCycle, "must be at least 1");
    }
}
