namespace Heapmon.Allocations;

/// <summary>
/// Runs scheduled tasks from one timer that checks every 100 ms whether a task's delay has passed or
/// traced memory has moved by its threshold. Tasks never run concurrently with themselves.
/// </summary>
internal static class AllocationTaskScheduler
{
    private static readonly Lock Gate = new();
    private static readonly List<AllocationTask> Tasks = [];
    private static Timer? _timer;
    private static int _ticking;

    public static bool IsScheduled(AllocationTask task) { lock (Gate) return Tasks.Contains(task); }

    public static IReadOnlyList<AllocationTask> Scheduled() { lock (Gate) return [.. Tasks]; }

    public static void Add(AllocationTask task, int? repeat)
    {
        lock (Gate)
        {
            task.Remaining = repeat;
            task.LastError = null;
            Start(task);
            if (!Tasks.Contains(task)) Tasks.Add(task);
            _timer ??= new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }
    }

    public static void Reset(AllocationTask task)
    {
        lock (Gate)
            if (Tasks.Contains(task)) Start(task);
    }

    public static void Remove(AllocationTask task)
    {
        lock (Gate)
        {
            Tasks.Remove(task);
            if (Tasks.Count == 0) StopTimer();
        }
    }

    public static void CancelAll()
    {
        lock (Gate)
        {
            Tasks.Clear();
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
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>One check; public for tests, which drive it without waiting for the timer.</summary>
    internal static void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1) return;
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
            Volatile.Write(ref _ticking, 0);
        }
    }
}
