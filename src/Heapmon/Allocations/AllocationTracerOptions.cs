namespace Heapmon.Allocations;

/// <summary>Options fixed when the tracer starts (tracemalloc: set_traceback_limit before enable).</summary>
public sealed record AllocationTracerOptions
{
    /// <summary>The defaults: one frame, runtime frames skipped, a 256 MB session buffer.</summary>
    public static AllocationTracerOptions Default { get; } = new();

    /// <summary>Frames kept per traceback (tracemalloc: get_traceback_limit); at least 1.</summary>
    public int TracebackLimit { get; init; } = 1;

    /// <summary>Keep frames inside the .NET runtime's own assemblies; by default a traceback starts at the first frame outside them.</summary>
    public bool IncludeRuntimeFrames { get; init; }

    /// <summary>EventPipe buffer in MB; events are lost (not queued) if the reader falls this far behind.</summary>
    public int BufferSizeMB { get; init; } = 256;

    internal void Validate()
    {
        if (TracebackLimit < 1) throw new ArgumentOutOfRangeException(nameof(TracebackLimit), TracebackLimit, "The traceback limit must be at least 1.");
        if (BufferSizeMB < 1) throw new ArgumentOutOfRangeException(nameof(BufferSizeMB), BufferSizeMB, "The buffer must be at least 1 MB.");
    }
}
