namespace Heapmon.Allocations;

/// <summary>How <see cref="AllocationSnapshot.TopBy"/> groups allocations (tracemalloc: the group_by strings).</summary>
public enum GroupBy
{
    /// <summary>By file and line of the most recent frame (tracemalloc: 'line').</summary>
    Line,

    /// <summary>By file of the most recent frame (tracemalloc: 'filename').</summary>
    File,

    /// <summary>By sampled object: its address when allocated (tracemalloc: 'address'); needs traces.</summary>
    Address,

    /// <summary>By allocated type, new in Heapmon: the grouping .NET users want most.</summary>
    Type,
}
