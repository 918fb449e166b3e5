using Heapmon.Channel;
using Heapmon.Tracking;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>
/// A tracking session started over the channel by <c>heapmon track</c>: the same type matching, tracking
/// and snapshots as a <c>heapmon run</c> session (a <c>attach</c> snapshot at start, periodic ones,
/// labelled ones on request, a <c>detach</c> one at the end), with no outputs of its own: the CLI
/// fetches the data and writes them.
/// </summary>
internal sealed class TrackSession : ITrackingSession, IDisposable
{
    private readonly LibraryBackend _backend;
    private readonly TypeWatcher _watcher;
    private readonly StartTrackingRequest _request;
    private int _requested;

    private TrackSession(StartTrackingRequest request, IReadOnlyList<TypePattern> patterns)
    {
        _request = request;
        _watcher = new TypeWatcher(patterns);
        _backend = new LibraryBackend(ClassTrackerOptions.Profiler with { MaxSnapshots = request.MaxSnapshots });
    }

    /// <summary>Checks the request, matches the loaded types, takes the <c>attach</c> snapshot and starts periodic ones.</summary>
    /// <exception cref="ArgumentException">A pattern or value that can name nothing.</exception>
    public static TrackSession Start(StartTrackingRequest request)
    {
        if (request.Patterns.Count == 0) throw new ArgumentException("--track needs at least one type pattern.");
        if (request.ResolutionLevel < 0) throw new ArgumentException($"--resolution must be 0 or more, not {request.ResolutionLevel}.");
        if (request.IntervalSeconds is { } s && !(s > 0 && double.IsFinite(s))) throw new ArgumentException("--interval must be a positive number of seconds.");
        if (request.MaxSnapshots is < 1) throw new ArgumentException($"a session must keep at least one snapshot, not {request.MaxSnapshots}.");
        var session = new TrackSession(request, request.Patterns.Select(TypePattern.Parse).ToArray());
        try
        {
            session._watcher.Start();
            session.TrackNewMatches();
            session._backend.CreateSnapshot("attach");
            if (request.IntervalSeconds is { } seconds) session._backend.StartPeriodicSnapshots(TimeSpan.FromSeconds(seconds));
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>What was matched at start.</summary>
    public TrackingStartedResponse Started =>
        new([.. _watcher.Matched.Select(t => t.FullName!)], [.. _watcher.Unmatched().Select(p => p.Pattern.Text)], _watcher.AssemblyCount);

    /// <summary>Tracks the types of assemblies loaded since the last call (periodic snapshots do not match types themselves).</summary>
    public void Housekeeping() => TrackNewMatches();

    public SnapshotResponse TakeSnapshot(string? label)
    {
        TrackNewMatches();
        return DumpBytes.Describe(_backend.CreateSnapshot(label ?? $"snapshot {++_requested}"));
    }

    /// <summary>The latest figures, as the tracker publishes them to the Heapmon meter, for <c>heapmon monitor</c>.</summary>
    public MetricsResponse Metrics(long after)
    {
        (long published, double cpu, double[] durations) = _backend.Metrics.Since(after);
        return new MetricsResponse(_backend.Metrics.Latest, published, cpu, durations);
    }

    public TrackerDataResponse Data(string scratchDirectory) =>
        DumpBytes.Of(_backend.ToData(), scratchDirectory, _watcher.Unmatched().Select(p => p.Pattern.Text), _watcher.AssemblyCount);

    /// <summary>Stops periodic snapshots and takes the last one; the data returned is complete.</summary>
    public TrackerDataResponse Stop(string? label, string scratchDirectory)
    {
        _backend.StopPeriodicSnapshots();
        TrackNewMatches();
        _backend.CreateSnapshot(label ?? "detach");
        return Data(scratchDirectory);
    }

    private void TrackNewMatches()
    {
        foreach ((Type type, _) in _watcher.TakeNewMatches())
            _backend.TrackClass(type, _request.ResolutionLevel, _request.Trace);
    }

    /// <summary>Lets go of everything: periodic snapshots, the tracker (weak references only), the allocation sampler, the load event.</summary>
    public void Dispose()
    {
        _watcher.Dispose();
        _backend.Dispose();
    }
}
