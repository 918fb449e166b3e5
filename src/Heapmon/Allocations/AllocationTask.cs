namespace Heapmon.Allocations;

/// <summary>
/// A callback run when traced memory grows or shrinks by more than a threshold, or after a delay
/// (tracemalloc: Task). A task that throws is cancelled; the exception is kept in <see cref="LastError"/>.
/// </summary>
public class AllocationTask
{
    private readonly Action _action;

    /// <summary>A task calling <paramref name="action"/> (tracemalloc: Task(func)).</summary>
    public AllocationTask(Action action) => _action = action ?? throw new ArgumentNullException(nameof(action));

    private protected AllocationTask() => _action = () => Run();

    /// <summary>The delay between calls, or null for none (tracemalloc: get_delay).</summary>
    public TimeSpan? Delay { get; private set; }

    /// <summary>Traced-memory change in bytes that triggers a call, or null for none (tracemalloc: get_memory_threshold).</summary>
    public long? MemoryThreshold { get; private set; }

    /// <summary>True while scheduled.</summary>
    public bool IsScheduled => AllocationTaskScheduler.IsScheduled(this);

    /// <summary>The exception that cancelled the task, if any.</summary>
    public Exception? LastError { get; internal set; }

    /// <summary>Calls left, or null for unlimited.</summary>
    internal int? Remaining { get; set; }

    internal DateTime LastCall { get; set; }

    internal long MemoryAtLastCall { get; set; }

    /// <summary>Sets the delay; null disables the timer; reschedules a scheduled task (tracemalloc: set_delay).</summary>
    public void SetDelay(TimeSpan? delay)
    {
        if (delay is { } d && d <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay must be positive.");
        Delay = delay;
        AllocationTaskScheduler.Reset(this);
    }

    /// <summary>Sets the traced-memory threshold in bytes; null disables it; reschedules a scheduled task (tracemalloc: set_memory_threshold).</summary>
    public void SetMemoryThreshold(long? bytes)
    {
        if (bytes is <= 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "The threshold must be positive.");
        MemoryThreshold = bytes;
        AllocationTaskScheduler.Reset(this);
    }

    /// <summary>
    /// Schedules the task <paramref name="repeat"/> times, or until cancelled when null (tracemalloc: schedule).
    /// Needs a delay or a memory threshold, and a running tracer.
    /// </summary>
    public void Schedule(int? repeat = null)
    {
        if (repeat is <= 0) throw new ArgumentOutOfRangeException(nameof(repeat), repeat, "Repeat must be positive.");
        if (Delay is null && MemoryThreshold is null) throw new InvalidOperationException("Set a delay or a memory threshold before scheduling the task.");
        if (!AllocationTracer.IsTracing) throw new InvalidOperationException("The allocation tracer is not running: call AllocationTracer.Start() first.");
        AllocationTaskScheduler.Add(this, repeat);
    }

    /// <summary>Cancels the task; does nothing if it is not scheduled (tracemalloc: cancel).</summary>
    public void Cancel() => AllocationTaskScheduler.Remove(this);

    /// <summary>Runs the task now (tracemalloc: call).</summary>
    public void Call() => _action();

    /// <summary>The work of a built-in task.</summary>
    private protected virtual void Run()
    {
    }
}
