using System.Diagnostics.CodeAnalysis;
using Heapmon.Tracking;

namespace Heapmon.Allocations;

/// <summary>
/// The allocation tracer (Python: the tracemalloc module): samples this process's allocations with
/// their types, sizes and tracebacks through an EventPipe session to itself (.NET 10 allocation
/// sampling: every allocated byte is sampled with p = 1/102,400). Figures are estimates with 95% intervals.
/// </summary>
public static class AllocationTracer
{
    private static readonly Lock Gate = new();
    private static readonly SampleStore Store = new();
    private static SamplerSession? _session;
    private static long _sessionNumber;
    private static AllocationTracerOptions _options = AllocationTracerOptions.Default;

    /// <summary>True while allocations are being traced (tracemalloc: is_enabled).</summary>
    public static bool IsTracing { get { lock (Gate) return _session is not null; } }

    /// <summary>Frames kept per traceback (tracemalloc: get_traceback_limit); set it through <see cref="Start(int)"/>.</summary>
    public static int TracebackLimit { get { lock (Gate) return _options.TracebackLimit; } }

    /// <summary>The options the tracer runs (or last ran) with.</summary>
    public static AllocationTracerOptions Options { get { lock (Gate) return _options; } }

    /// <summary>The current filters, in the order added (tracemalloc: get_filters).</summary>
    public static IReadOnlyList<Filter> Filters => Store.Filters;

    /// <summary>Starts tracing with <paramref name="tracebackLimit"/> frames per traceback (tracemalloc: enable + set_traceback_limit).</summary>
    public static void Start(int tracebackLimit = 1) => Start(AllocationTracerOptions.Default with { TracebackLimit = tracebackLimit });

    /// <summary>Starts tracing with <paramref name="options"/>; they stay fixed until <see cref="Stop"/>.</summary>
    /// <exception cref="InvalidOperationException">The tracer is already running.</exception>
    public static void Start(AllocationTracerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        lock (Gate)
        {
            if (_session is not null) throw new InvalidOperationException("The allocation tracer is already running; call Stop first.");
            Store.Reset();
            _options = options;
            _session = new SamplerSession(Store, options);
            _sessionNumber++;
        }
    }

    /// <summary>The number of the running session (each start makes a new one); 0 when not tracing.</summary>
    internal static long RunningSession { get { lock (Gate) return _session is null ? 0 : _sessionNumber; } }

    /// <summary>Stops tracing and cancels scheduled tasks (tracemalloc: disable); the samples stay readable.</summary>
    public static void Stop() => StopSession(only: null);

    /// <summary>Stops the tracer if <paramref name="only"/> (when given) is still the running session: one started since by someone else is left alone.</summary>
    internal static void StopSession(long? only)
    {
        SamplerSession? session;
        lock (Gate)
        {
            if (only is { } number && (_session is null || _sessionNumber != number)) return;
            session = _session;
            _session = null;
        }
        AllocationTaskScheduler.CancelAll();
        if (session is null) return;
        session.Flush(TimeSpan.FromSeconds(5));
        session.Dispose();
    }

    /// <summary>Forgets every sample and resets <see cref="GetTracedMemory"/> (tracemalloc: clear_traces).</summary>
    public static void ClearTraces()
    {
        Flush();
        Store.Clear();
    }

    /// <summary>Adds a filter for allocations sampled from now on (tracemalloc: add_filter).</summary>
    public static void AddFilter(Filter filter) => Store.AddFilter(filter ?? throw new ArgumentNullException(nameof(filter)));

    /// <summary>Keeps only allocations whose file matches <paramref name="pattern"/> (tracemalloc: add_include_filter).</summary>
    public static void AddIncludeFilter(string pattern, int? lineNumber = null, bool traceback = false) => AddFilter(new Filter(true, pattern, lineNumber, traceback));

    /// <summary>Drops allocations whose file matches <paramref name="pattern"/> (tracemalloc: add_exclude_filter).</summary>
    public static void AddExcludeFilter(string pattern, int? lineNumber = null, bool traceback = false) => AddFilter(new Filter(false, pattern, lineNumber, traceback));

    /// <summary>Removes every filter (tracemalloc: clear_filters).</summary>
    public static void ClearFilters() => Store.ClearFilters();

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
        SamplerSession? session;
        lock (Gate) session = _session;
        if (session is null)
        {
            // Without the session's GC events, a sampled address can no longer be tied to an object.
            whyNot = "the allocation tracer is not running";
            return false;
        }
        return ObjectTraceLookup.TryFind(Store, session, obj, out trace, out whyNot);
    }

    /// <summary>
    /// Instantiation sites of sampled allocations of <paramref name="type"/> (and, if asked, its subclasses),
    /// grouped by whole traceback, with estimated counts and 95% intervals, most first. For the ClassTracker's
    /// <c>TrackClass(..., trace: true)</c>.
    /// </summary>
    internal static IReadOnlyList<InstantiationSite> GetInstantiationSites(Type type, bool includeSubclasses)
    {
        ArgumentNullException.ThrowIfNull(type);
        Flush();
        return InstantiationSites.Build(Store, type, includeSubclasses);
    }

    /// <summary>
    /// Waits until allocations made before this call are in the store (true when not tracing); false when the
    /// session did not catch up in time (a starved reader), so the caller can say its view is incomplete.
    /// </summary>
    internal static bool Flush()
    {
        SamplerSession? session;
        lock (Gate) session = _session;
        return session is null || session.Flush(TimeSpan.FromSeconds(10)) || session.Flush(TimeSpan.FromSeconds(20));
    }

    internal static SampleStore Samples => Store;

    /// <summary>Whether the sampler's reader stopped on an error.</summary>
    internal static Exception? ReaderFailure { get { lock (Gate) return _session?.ReaderFailure; } }
}
