namespace Heapmon.Tracking;

/// <summary>
/// Calls back on the finalizer thread after every GC, without keeping its owner alive: an
/// unreachable finalizable sentinel lives in gen0, so every GC finalizes it, and its finalizer
/// makes the next one (the runtime's own Gen2GcCallback uses the same trick).
/// </summary>
internal sealed class GcWatcher
{
    private static long s_allocatedBytes;

    private readonly WeakReference<IGcListener> _listener;

    private GcWatcher(WeakReference<IGcListener> listener) => _listener = listener;

    /// <summary>
    /// Bytes the watchers have allocated on the finalizer thread so far: the tracker tells its own
    /// allocations from the program's, and these are its own (a new sentinel after every GC).
    /// </summary>
    public static long AllocatedBytes => Interlocked.Read(ref s_allocatedBytes);

    /// <summary>Starts watching; stops by itself once <paramref name="listener"/> is collected or returns false.</summary>
    public static void Start(IGcListener listener) => _ = new GcWatcher(new WeakReference<IGcListener>(listener));

    ~GcWatcher()
    {
        if (Environment.HasShutdownStarted) return;
        if (!_listener.TryGetTarget(out IGcListener? listener)) return;
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool again;
        try { again = listener.OnGarbageCollected(); }
        catch { again = true; } // a failing listener must never kill the finalizer thread
        if (again) _ = new GcWatcher(_listener);
        // Added after the allocations: a reader in between sees more bytes than are accounted for and
        // treats them as the program's, which only costs a walk.
        Interlocked.Add(ref s_allocatedBytes, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>Something told after every GC, on the finalizer thread; it must be quick and must never block on a GC.</summary>
internal interface IGcListener
{
    /// <summary>Called after a GC; returns false to stop watching.</summary>
    bool OnGarbageCollected();
}
