namespace Heapmon.Tracking;

public sealed partial class ClassTracker
{
    /// <summary>Waits until the allocations made so far are sampled, when a traced class needs them; outside the locks (it waits on the tracer's reader).</summary>
    private void FlushTraces()
    {
        bool traced;
        lock (_lock) traced = _traces is not null && !_disposed && _classes.AnyActiveTraced;
        if (traced) _traces!.Flush();
    }

    /// <summary>
    /// Recomputes the sites of every active traced class. A sample counts for the class whose parameters
    /// apply to its runtime type (the most specialised tracked class), as the instances themselves do.
    /// </summary>
    private void RefreshSitesLocked()
    {
        if (_traces is null || _disposed) return;
        foreach (TrackedClass tracked in _classes.Active)
            if (tracked.Trace) tracked.Sites = _traces.Sites(tracked.Since, type => _classes.BestFor(type) == tracked);
    }

    /// <summary>Gives the allocation tracer back once no active class is traced.</summary>
    private void ReleaseTracesIfUnused()
    {
        if (!_classes.AnyActiveTraced) _traces?.Release();
    }
}
