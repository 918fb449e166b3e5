using Heapmon.Sampling;

namespace Heapmon.Tracking;

/// <summary>
/// Instantiation sites of the traced classes (<c>TrackClass(..., trace: true)</c>): holds the allocation
/// tracer while a class is traced and recomputes each traced class's sites from its samples.
/// </summary>
/// <remarks>Everything but <see cref="FlushIfTraced"/> is called under the tracker's lock.</remarks>
internal sealed class ClassSites
{
    private readonly Lock _lock;
    private readonly TrackedClasses _classes;
    private readonly IInstantiationTraces? _traces;
    private bool _closed;

    /// <summary>Sites of <paramref name="classes"/> from <paramref name="traces"/>; <paramref name="trackerLock"/> is the tracker's bookkeeping lock, which guards the classes.</summary>
    public ClassSites(Lock trackerLock, TrackedClasses classes, IInstantiationTraces? traces)
    {
        _lock = trackerLock;
        _classes = classes;
        _traces = traces;
    }

    /// <summary>
    /// Holds the tracer for a class tracked with trace, before the class is added (if the tracer cannot
    /// start, the class is not tracked either), and gives where its samples begin: a class tracked again
    /// with trace goes on counting from the first time.
    /// </summary>
    public SampleMark Begin(TrackedClass? previous)
    {
        if (_traces is null) return default;
        _traces.Acquire();
        return previous is { Trace: true } ? previous.Since : _traces.Mark();
    }

    /// <summary>Waits until the allocations made so far are sampled, when a traced class needs them; outside the locks (it waits on the tracer's reader).</summary>
    public void FlushIfTraced()
    {
        bool traced;
        lock (_lock) traced = _traces is not null && !_closed && _classes.AnyActiveTraced;
        if (traced) _traces!.Flush();
    }

    /// <summary>
    /// Recomputes the sites of every active traced class. A sample counts for the class whose parameters
    /// apply to its runtime type (the most specialised tracked class), as the instances themselves do.
    /// </summary>
    public void Refresh()
    {
        if (_traces is null || _closed) return;
        foreach (TrackedClass tracked in _classes.Active)
            if (tracked.Trace) tracked.Sites = _traces.Sites(tracked.Since, type => _classes.BestFor(type) == tracked);
    }

    /// <summary>Gives the allocation tracer back once no active class is traced.</summary>
    public void ReleaseIfUnused()
    {
        if (!_classes.AnyActiveTraced) _traces?.Release();
    }

    /// <summary>At the tracker's end: the last sites stay readable through ToData, and the tracer is given back.</summary>
    public void Close()
    {
        Refresh();
        _closed = true;
        _traces?.Release();
    }
}
