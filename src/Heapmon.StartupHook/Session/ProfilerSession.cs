using Heapmon.Model;
using Heapmon.Stats;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Heapmon.Tracking;
using Heapmon.Channel;
using Heapmon.StartupHook.Session.Agent;

namespace Heapmon.StartupHook.Session;

/// <summary>
/// One `heapmon run` session in the hooked process: matches types as assemblies load, takes snapshots
/// at start, on a timer, on SIGUSR2 and at exit (normal, <c>Environment.Exit</c> or an unhandled
/// exception), and writes the outputs atomically, so a reader never sees half a file.
/// </summary>
internal sealed class ProfilerSession : ITrackingSession, IDisposable
{
    /// <summary>SIGUSR2's number: .NET accepts raw signal numbers cast to <see cref="PosixSignal"/> on Unix.</summary>
    internal static int SnapshotSignal => OperatingSystem.IsMacOS() ? 31 : 12;

    private readonly RunOptions _options;
    private readonly IProfilerBackend _backend;
    private readonly TypeWatcher _watcher;
    private readonly object _gate = new();
    private readonly Stopwatch _sinceWrite = new();
    private Timer? _timer;
    private readonly List<PosixSignalRegistration> _signals = [];
    private bool _finished;
    private TimeSpan _housekeepingEvery;
    private int _writtenSnapshots;
    private int _signalled;
    private int _requested;
    private bool _warnedRoom;

    public ProfilerSession(RunOptions options, IProfilerBackend backend)
    {
        _options = options;
        _backend = backend;
        _watcher = new TypeWatcher(options.Track.Select(TypePattern.Parse).ToArray());
    }

    /// <summary>How often periodic snapshots rewrite the outputs: every interval, but at most once a second.</summary>
    public TimeSpan RewriteEvery => _options.Interval is { } i && i > TimeSpan.FromSeconds(1) ? i : TimeSpan.FromSeconds(1);

    /// <summary>Starts watching, takes the start snapshot and arms the exit paths, timer and signal.</summary>
    public void Start()
    {
        _watcher.Start();
        if (_options.Alloc) Guard("starting the allocation tracer", () => _backend.StartAllocations(_options.TracebackLimit));
        // Exit paths first: a program that ends within milliseconds still leaves its output.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Finish("exit");
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Finish($"exit: unhandled {e.ExceptionObject.GetType().FullName}");
        if (_options.SnapshotAtStart)
            lock (_gate) Guard("the start snapshot", () => Snapshot("start"));
        _sinceWrite.Start();
        if (_options.Interval is { } interval)
        {
            // The tracker takes the periodic snapshots (it can walk only the young generations between
            // full walks); our timer matches newly loaded types and rewrites the outputs as it goes.
            _backend.StartPeriodicSnapshots(interval);
            _housekeepingEvery = interval < RewriteEvery ? interval : RewriteEvery;
            _timer = new Timer(_ => Housekeeping(), null, _housekeepingEvery, Timeout.InfiniteTimeSpan);
        }
        if (OperatingSystem.IsWindows())
        {
            if (_options.SnapshotOnSignal) SessionLog.Warning("--snapshot-on-signal needs a Unix signal (SIGUSR2); it is off on Windows.");
            return;
        }
        if (_options.SnapshotOnSignal)
        {
            _signals.Add(PosixSignalRegistration.Create((PosixSignal)SnapshotSignal, context =>
            {
                // SIGUSR2's default action ends the process; we take it over.
                context.Cancel = true;
                ThreadPool.QueueUserWorkItem(_ => OnSignal());
            }));
        }
        // The runtime raises no ProcessExit when SIGTERM, SIGINT or SIGHUP ends the process, so write
        // the outputs when one arrives. The signal is not cancelled: the program (or the default
        // action) decides what happens next, and a program that shuts down cleanly still gets its
        // exit snapshot from ProcessExit.
        foreach (PosixSignal signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
            _signals.Add(PosixSignalRegistration.Create(signal, context => OnTermination(context.Signal)));
        // The same agent as an attach: `heapmon snapshot --pid`, `census --pid` and `garbage --pid` reach this session too.
        Guard("opening the control channel", () => ChannelAgent.StartForRun(this));
    }

    /// <summary>A snapshot asked for over the channel (<c>heapmon snapshot --pid</c>): taken and written like a signalled one.</summary>
    public SnapshotResponse TakeSnapshot(string? label)
    {
        lock (_gate)
        {
            if (_finished) throw new InvalidOperationException("the program is exiting; its exit snapshot is being written.");
            Snapshot snapshot = Snapshot(label ?? $"snapshot {++_requested}");
            WriteOutputs();
            return DumpBytes.Describe(snapshot);
        }
    }

    /// <summary>What the session recorded so far, for a client of the channel.</summary>
    public TrackerDataResponse Data(string scratchDirectory)
    {
        lock (_gate)
            return DumpBytes.Of(_backend.ToData(), scratchDirectory, _watcher.Unmatched().Select(p => p.Pattern.Text), _watcher.AssemblyCount);
    }

    private void OnTermination(PosixSignal signal) => Guard($"the snapshot at {signal}", () =>
    {
        lock (_gate)
        {
            if (_finished) return;
            Snapshot(signal.ToString());
            WriteOutputs(final: true);
        }
    });

    private void OnSignal() => Guard("a signalled snapshot", () =>
    {
        lock (_gate)
        {
            if (_finished) return;
            Snapshot($"signal {++_signalled}");
            WriteOutputs();
        }
    });

    private void Housekeeping()
    {
        Guard("matching types and rewriting outputs", () =>
        {
            lock (_gate)
            {
                if (_finished) return;
                TrackNewMatches();
                if (_sinceWrite.Elapsed >= RewriteEvery && _backend.SnapshotCount > _writtenSnapshots) WriteOutputs();
            }
        });
        lock (_gate)
            if (!_finished) _timer?.Change(_housekeepingEvery, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Takes the exit snapshot and writes every output, once, whichever exit path comes first.</summary>
    public void Finish(string description)
    {
        lock (_gate)
        {
            if (_finished) return;
            _finished = true;
            _timer?.Dispose();
            ChannelAgent.Stop();
            Guard("stopping periodic snapshots", _backend.StopPeriodicSnapshots);
            foreach (PosixSignalRegistration registration in _signals) registration.Dispose();
            Guard("the exit snapshot", () =>
            {
                if (_options.SnapshotAtExit || _backend.SnapshotCount == 0) Snapshot(description);
            });
            if (_options.Outputs.Count == 0 && _options.Garbage is null) Guard("the summary", PrintSummary);
            else WriteOutputs(final: true);
            if (_options.Garbage is { } garbage)
            {
                TrackNewMatches();
                Guard("the garbage graph", () => Written(garbage, () => _backend.WriteGarbage(garbage, _watcher.Matched), final: true));
            }
            foreach ((TypePattern pattern, string? valueType) in _watcher.Unmatched())
                SessionLog.Warning(valueType is not null ? TypePattern.ValueTypeMessage(pattern.Text, valueType)
                    : $"--track '{pattern}' matched no type in the {_watcher.AssemblyCount} assemblies the program loaded.");
        }
    }

    private Snapshot Snapshot(string description)
    {
        TrackNewMatches();
        return _backend.CreateSnapshot(description);
    }

    private void TrackNewMatches()
    {
        foreach ((Type type, _) in _watcher.TakeNewMatches())
            _backend.TrackClass(type, _options.ResolutionLevel, _options.Trace);
    }

    private void WriteOutputs(bool final = false)
    {
        if (_options.Outputs.Count == 0 || !RoomToWrite(final)) return;
        TrackerData data = _backend.ToData();
        _writtenSnapshots = data.Snapshots.Count;
        foreach (StatsOutput output in _options.Outputs)
            Guard($"writing {output.Path}", () => Written(output.Path, () => output.Write(data), final));
        if (_options.Alloc)
            foreach (string path in AllocationOutputs(_options.Outputs))
                Guard($"writing {path}", () => Written(path, () => _backend.WriteAllocations(path), final));
        _sinceWrite.Restart();
    }

    /// <summary>
    /// Whether writing the outputs (the data, then each file built in memory: about 16 times the compressed size written
    /// last) fits in what the program's GC memory limit leaves Heapmon; if not, the outputs written last stay, and a warning says so.
    /// </summary>
    private bool RoomToWrite(bool final)
    {
        long written = _options.Outputs.Sum(o => File.Exists(o.Path) ? new FileInfo(o.Path).Length : 0);
        long need = Math.Max(4L << 20, written * 16);
        long allowance = Heap.MemoryHeadroom.Allowance();
        if (need <= allowance) return true;
        if (final || !_warnedRoom)
            SessionLog.Warning($"skipped writing the outputs{(final ? " at exit" : "")}: the program is close to its GC memory limit " +
                $"({allowance >> 20} MiB may be taken without risk, {need >> 20} MiB needed); the outputs written last stay.");
        _warnedRoom = true;
        return false;
    }

    /// <summary>With <c>--alloc</c>, each output's allocation snapshot: <c>x.html</c> and <c>x.json.gz</c> give <c>x.alloc.json</c>.</summary>
    internal static IEnumerable<string> AllocationOutputs(IEnumerable<StatsOutput> outputs) =>
        outputs.Select(o => o.Stem + ".alloc.json").Distinct(StringComparer.Ordinal);

    /// <summary>Without an output file, the summary goes to stderr, as SCons printed it after the build (the class summary only when classes were tracked).</summary>
    private void PrintSummary()
    {
        var summary = new StringWriter();
        if (_options.Track.Count > 0) new ConsoleStats(_backend.ToData(), summary).PrintSummary();
        if (_options.Alloc) _backend.PrintAllocations(summary);
        foreach (string line in summary.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            SessionLog.Info(line);
    }

    /// <summary>Runs a write (every writer of the library is atomic: temp file, then rename) and says so at the end, as every heapmon command does.</summary>
    private void Written(string path, Action write, bool final)
    {
        write();
        if (final && !_options.Quiet) SessionLog.Info($"wrote {path} ({ByteUnits.Compact(new FileInfo(path).Length)})");
    }

    /// <summary>A failing part never costs the program or the other outputs: report it and go on.</summary>
    private static void Guard(string what, Action action)
    {
        try { action(); }
        catch (Exception e) { SessionLog.Error($"{what} failed: {e.GetType().Name}: {e.Message}"); }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        foreach (PosixSignalRegistration registration in _signals) registration.Dispose();
        _backend.Dispose();
    }
}
