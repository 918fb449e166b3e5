namespace Heapmon.Model;

/// <summary>
/// One sampled allocation (tracemalloc: a trace): the sampled object's address, type, size and
/// allocation traceback, most recent frame first. Each sample stands for <see cref="EstimatedCount"/> objects.
/// </summary>
/// <param name="Address">Address of the sampled object when it was allocated (objects move; the address is a label).</param>
/// <param name="TypeName">The allocated type.</param>
/// <param name="Size">The sampled object's size in bytes, as the GC allocated it.</param>
/// <param name="Traceback">Frames of the allocation, most recent first, up to the traceback limit.</param>
public sealed record AllocationTrace(long Address, string TypeName, long Size, IReadOnlyList<TraceFrame> Traceback)
{
    /// <summary>How many allocations this sample stands for: 1 / P(an object of this size is sampled).</summary>
    public double EstimatedCount => SamplingMath.CountWeight(Size);

    /// <summary>How many bytes this sample stands for: size / P(an object of this size is sampled).</summary>
    public double EstimatedSize => Size * SamplingMath.CountWeight(Size);

    /// <summary>The runtime type handle (MethodTable) in the process that sampled it; 0 when loaded from a file.</summary>
    internal nint TypeHandle { get; init; }
}
