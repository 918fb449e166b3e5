using System.Diagnostics.CodeAnalysis;
using Heapmon.Metrics;
using Heapmon.Model;
using Heapmon.Sampling;

namespace Heapmon.Allocations;

/// <summary>
/// The allocation tracer (Python: the tracemalloc module): samples this process's allocations with
/// their types, sizes and tracebacks through an EventPipe session to itself (.NET 10 allocation
/// sampling: every allocated byte is sampled with p = 1/102,400). Figures are estimates with 95% intervals.
/// </summary>
public static class AllocationTracer
{
    private static readonly Lock s_gate = new();
    private static AllocationTracerOptions s_options = AllocationTracerOptions.Default;
    private static Filter[] s_filters = [];

    private static SampleStore Store => AllocationSampler.Store;

    /// <summary>True while allocations are being traced (tracemalloc: is_enabled).</summary>
    public static bool IsTracing => AllocationSampler.IsRunning;

    /// <summary>Frames kept per traceback (tracemalloc: get_traceback_limit); set it through <see cref="Start(int)"/>.</summary>
    public static int TracebackLimit => AllocationSampler.Settings.TracebackLimit;

    /// <summary>The options the tracer runs (or last ran) with.</summary>
    public static AllocationTracerOptions Options { get { lock (s_gate) return s_options; } }

    /// <summary>The current filters, in the order added (tracemalloc: get_filters).</summary>
    public static IReadOnlyList<Filter> Filters { get { lock (s_gate) return s_filters; } }

    /// <summary>Starts tracing with <paramref name="tracebackLimit"/> frames per traceback (tracemalloc: enable + set_traceback_limit).</summary>
    public static void Start(int tracebackLimit = 1) => Start(AllocationTracerOptions.Default with { TracebackLimit = tracebackLimit });

    /// <summary>Starts tracing with <paramref name="options"/>; they stay fixed until <see cref="Stop"/>.</summary>
    /// <exception cref="InvalidOperationException">The tracer is already running.</exception>
    public static void Start(AllocationTracerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        lock (s_gate)
        {
            AllocationSampler.Start(new SamplerSettings(options.TracebackLimit, options.IncludeRuntimeFrames, options.BufferSizeMB));
            s_options = options;
            HeapmonMeter.EnsureCreated(); // its allocation rates come from the samples while the tracer runs
        }
    }

    /// <summary>Stops tracing and cancels scheduled tasks (tracemalloc: disable); the samples stay readable.</summary>
    public static void Stop()
    {
        AllocationTaskScheduler.CancelAll();
        AllocationSampler.Stop();
    }

    /// <summary>Forgets every sample and resets <see cref="GetTracedMemory"/> (tracemalloc: clear_traces).</summary>
    public static void ClearTraces()
    {
        Flush();
        Store.Clear();
    }

    /// <summary>Adds a filter for allocations sampled from now on (tracemalloc: add_filter).</summary>
    public static void AddFilter(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (s_gate) SetFilters([.. s_filters, filter]);
    }

    /// <summary>Keeps only allocations whose file matches <paramref name="pattern"/> (tracemalloc: add_include_filter).</summary>
    public static void AddIncludeFilter(string pattern, int? lineNumber = null, bool traceback = false) => AddFilter(new Filter(true, pattern, lineNumber, traceback));

    /// <summary>Drops allocations whose file matches <paramref name="pattern"/> (tracemalloc: add_exclude_filter).</summary>
    public static void AddExcludeFilter(string pattern, int? lineNumber = null, bool traceback = false) => AddFilter(new Filter(false, pattern, lineNumber, traceback));

    /// <summary>Removes every filter (tracemalloc: clear_filters).</summary>
    public static void ClearFilters()
    {
        lock (s_gate) SetFilters([]);
    }

    private static void SetFilters(Filter[] filters)
    {
        // Samples taken before the change are settled under the old filters: a filter applies from now on.
        Flush();
        s_filters = filters;
        Store.SetAcceptor(filters.Length == 0 ? null : frames => Filter.Accepts(filters, frames));
    }

    /// <summary>
    /// Estimated bytes allocated since <see cref="Start(int)"/> or <see cref="ClearTraces"/> and their peak
    /// (tracemalloc: get_traced_memory). These are bytes <em>allocated</em>, not bytes still alive: the
    /// sampler sees allocations, not frees, so the size only grows and the peak equals it.
    /// </summary>
    public static (long Size, long Peak) GetTracedMemory()
    {
        Flush();
        return ((long)Store.EstimatedBytes, (long)Store.PeakBytes);
    }

    /// <summary>Bytes the tracer holds for its samples and tracebacks (tracemalloc: get_tracemalloc_memory).</summary>
    public static long GetTracerMemory() => Store.MemoryUsage();

    /// <summary>Number of samples held.</summary>
    public static int SampleCount => Store.Count;

    /// <summary>Cancels every scheduled task (tracemalloc: cancel_tasks).</summary>
    public static void CancelTasks() => AllocationTaskScheduler.CancelAll();

    /// <summary>The scheduled tasks (tracemalloc: get_tasks).</summary>
    public static IReadOnlyList<AllocationTask> GetTasks() => AllocationTaskScheduler.Scheduled();

    /// <summary>
    /// The allocation trace of <paramref name="obj"/> when its own allocation was sampled (tracemalloc:
    /// get_object_trace). Most objects are not sampled (one in ~100 KB of allocation is), and after a GC
    /// has moved or freed objects a sample can no longer be matched to an object; <paramref name="whyNot"/> says which.
    /// </summary>
    public static bool TryGetObjectTrace(object obj, [NotNullWhen(true)] out AllocationTrace? trace, [NotNullWhen(false)] out string? whyNot)
    {
        ArgumentNullException.ThrowIfNull(obj);
        trace = null;
        SamplerSession? session = AllocationSampler.Session;
        if (session is null)
        {
            // Without the session's GC events, a sampled address can no longer be tied to an object.
            whyNot = "the allocation tracer is not running";
            return false;
        }
        return ObjectTraceLookup.TryFind(Store, session, obj, out trace, out whyNot);
    }

    /// <summary>
    /// Waits until allocations made before this call are in the store (true when not tracing); false when the
    /// session did not catch up in time (a starved reader), so the caller can say its view is incomplete.
    /// </summary>
    internal static bool Flush() => AllocationSampler.Flush();

    internal static SampleStore Samples => Store;
}
