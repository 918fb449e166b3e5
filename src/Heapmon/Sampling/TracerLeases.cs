namespace Heapmon.Sampling;

/// <summary>
/// Who needs the allocation tracer besides its user: trackers with traced classes hold a lease. The
/// first lease starts the tracer if it is not running; when the last one goes, the tracer is stopped
/// only if a lease started it (and it is still that session): a tracer the user started keeps running.
/// </summary>
internal static class TracerLeases
{
    /// <summary>Frames kept per instantiation site when a lease starts the tracer.</summary>
    public const int TracebackLimit = 5;

    private static readonly Lock s_gate = new();
    private static int s_holders;
    private static long s_ownedSession; // the session a lease started; 0 if none

    public static int Holders { get { lock (s_gate) return s_holders; } }

    /// <summary>Takes a lease, starting the tracer if nobody runs it.</summary>
    /// <exception cref="InvalidOperationException">The tracer could not start (the lease is not taken).</exception>
    /// <exception cref="PlatformNotSupportedException">Allocation sampling is not available here.</exception>
    public static void Acquire()
    {
        lock (s_gate)
        {
            if (!AllocationSampler.IsRunning)
            {
                try
                {
                    AllocationSampler.Start(new SamplerSettings(TracebackLimit, IncludeRuntimeFrames: false, BufferSizeMB: 256));
                    s_ownedSession = AllocationSampler.RunningSession;
                }
                catch (InvalidOperationException) when (AllocationSampler.IsRunning)
                {
                    // Started by the user between the check and ours: theirs, so never ours to stop.
                }
                catch (Exception e) when (e is not (PlatformNotSupportedException or OutOfMemoryException))
                {
                    throw new InvalidOperationException($"Instantiation traces need the allocation tracer, which could not start: {e.Message}", e);
                }
            }
            s_holders++;
        }
    }

    /// <summary>Gives a lease back; the last one stops the tracer if a lease started it.</summary>
    public static void Release()
    {
        long owned;
        lock (s_gate)
        {
            if (s_holders == 0 || --s_holders > 0) return;
            owned = s_ownedSession;
            s_ownedSession = 0;
            if (owned != 0) AllocationSampler.Stop(owned);
        }
    }
}
