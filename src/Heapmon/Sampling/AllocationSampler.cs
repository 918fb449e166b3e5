namespace Heapmon.Sampling;

/// <summary>
/// The process's one allocation-sampling session and its sample store, shared by the allocation tracer
/// (tracemalloc's API) and by class trackers that record instantiation sites, which take a lease
/// (<see cref="TracerLeases"/>). At most one session runs at a time; each start makes a new one.
/// </summary>
internal static class AllocationSampler
{
    private static readonly Lock s_gate = new();
    private static SamplerSession? s_session;
    private static long s_sessionNumber;
    private static SamplerSettings s_settings = new(1, false, 256);

    /// <summary>The samples of the running (or last) session.</summary>
    public static SampleStore Store { get; } = new();

    /// <summary>True while a session runs.</summary>
    public static bool IsRunning { get { lock (s_gate) return s_session is not null; } }

    /// <summary>The settings the sampler runs (or last ran) with.</summary>
    public static SamplerSettings Settings { get { lock (s_gate) return s_settings; } }

    /// <summary>The number of the running session (each start makes a new one); 0 when not running.</summary>
    public static long RunningSession { get { lock (s_gate) return s_session is null ? 0 : s_sessionNumber; } }

    /// <summary>The running session, for queries that need its GC bookkeeping; null when not running.</summary>
    public static SamplerSession? Session { get { lock (s_gate) return s_session; } }

    /// <summary>Whether the sampler's reader stopped on an error.</summary>
    public static Exception? ReaderFailure { get { lock (s_gate) return s_session?.ReaderFailure; } }

    /// <summary>Starts a session with a fresh store.</summary>
    /// <exception cref="InvalidOperationException">A session is already running.</exception>
    public static void Start(SamplerSettings settings)
    {
        lock (s_gate)
        {
            if (s_session is not null) throw new InvalidOperationException("The allocation tracer is already running; call Stop first.");
            Store.Reset();
            s_settings = settings;
            s_session = new SamplerSession(Store, settings);
            s_sessionNumber++;
        }
    }

    /// <summary>Stops the session if <paramref name="only"/> (when given) is still the running one: one started since by someone else is left alone.</summary>
    /// <returns>Whether a session was stopped.</returns>
    public static bool Stop(long? only = null)
    {
        SamplerSession? session;
        lock (s_gate)
        {
            if (only is { } number && (s_session is null || s_sessionNumber != number)) return false;
            session = s_session;
            s_session = null;
        }
        if (session is null) return false;
        session.Flush(TimeSpan.FromSeconds(5));
        session.Dispose();
        return true;
    }

    /// <summary>
    /// Waits until allocations made before this call are in the store (true when not running); false when the
    /// session did not catch up in time (a starved reader), so the caller can say its view is incomplete.
    /// </summary>
    public static bool Flush()
    {
        SamplerSession? session;
        lock (s_gate) session = s_session;
        return session is null || session.Flush(TimeSpan.FromSeconds(10)) || session.Flush(TimeSpan.FromSeconds(20));
    }
}
