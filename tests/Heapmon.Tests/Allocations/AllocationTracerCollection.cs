namespace Heapmon.Tests.Allocations;

/// <summary>The tracer is process-wide: tests that start it run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationTracerCollection
{
    public const string Name = "AllocationTracer";
}
