namespace Heapmon.Allocations;

/// <summary>
/// Runs scheduled tasks from one timer that checks every 100 ms whether a task's delay has passed or
/// traced memory has moved by its threshold. s_tasks never run concurrently with themselves.
/// </summary>
internal static class AllocationTaskScheduler
{
    private static readonly Lock s_gate = new();
    private static readonly List<AllocationTask> s_tasks = [];
    private static Timer? s_timer;
    private static int s_ticking;

    public static bool IsScheduled(AllocationTask task) { lock (s_gate) return s_tasks.Contains(task); }

    public static IReadOnlyList<AllocationTask> Scheduled() { lock (s_gate) return [.. s_tasks]; }

    public static void Add(AllocationTask task, int? repeat)
    {
        lock (s_gate)
        {
            task.Remaining = repeat;
            task.LastError = null;
            Start(task);
            if (!s_tasks.Contains(task)) s_tasks.Add(task);
            s_timer ??= new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }
    }

    public static void Reset(AllocationTask task)
    {
        lock (s_gate)
            if (s_tasks.Contains(task)) Start(task);
    }

    public static void Remove(AllocationTask task)
    {
        lock (s_gate)
        {
            s_tasks.Remove(task);
            if (s_tasks.Count == 0) StopTimer();
        }
    }

    public static void CancelAll()
    {
        lock (s_gate)
        {
            s_tasks.Clear();
            StopTimer();
        }
    }

    private static void Start(AllocationTask task)
    {
        task.LastCall = DateTime.UtcNow;
        task.MemoryAtLastCall = (long)AllocationTracer.Samples.EstimatedBytes;
    }

    private static void StopTimer()
    {
        s_timer?.Dispose();
        s_timer = null;
    }

    /// <summary>One check; public for tests, which drive it without waiting for the timer.</summary>
    internal static void Tick()
    {
        if (Interlocked.Exchange(ref s_ticking, 1) == 1) return;
        try
        {
            long memory = (long)AllocationTracer.Samples.EstimatedBytes;
            DateTime now = DateTime.UtcNow;
            foreach (AllocationTask task in Scheduled())
            {
                bool due = (task.Delay is { } delay && now - task.LastCall >= delay)
                    || (task.MemoryThreshold is { } threshold && Math.Abs(memory - task.MemoryAtLastCall) >= threshold);
                if (!due || !IsScheduled(task)) continue;
                try
                {
                    task.Call();
                }
                catch (Exception e)
                {
                    // tracemalloc: a task that raises is cancelled; the program goes on.
                    task.LastError = e;
                    Remove(task);
                    continue;
                }
                task.LastCall = DateTime.UtcNow;
                task.MemoryAtLastCall = (long)AllocationTracer.Samples.EstimatedBytes;
                if (task.Remaining is { } left && (task.Remaining = left - 1) <= 0) Remove(task);
            }
        }
        finally
        {
            Volatile.Write(ref s_ticking, 0);
        }
    }
}
