using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Heapmon.Channel;
using Heapmon.Cli.Attach;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.StartupHook.Session;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon track --pid PID --track PATTERN</c>: the tracking of <c>heapmon run</c> (Pympler's ClassTracker,
/// the Heapmonitor's --debug=memory) on a process that is already running, until the duration ends or
/// Ctrl-C; then the outputs are written here and the agent detaches.
/// </summary>
internal static class TrackCommand
{
    public static Command Create(CliContext context)
    {
        var pid = CliOptions.Pid("The running .NET process to track (heapmon ps lists them).");
        pid.Required = true;
        var track = CliOptions.Track("Track every instance of the types named (repeatable): a full name, or * wildcards such as 'MyApp.Nodes.*' or '*Node'.");
        track.Required = true;
        var interval = CliOptions.Interval("Also take a snapshot every SECONDS (e.g. 0.5); outputs are rewritten as it goes.");
        var duration = CliOptions.Duration("Stop after SECONDS (default: at Ctrl-C).");
        var output = CliOptions.Outputs("Write FILE when tracking ends (repeatable): .json.gz or .dat is the stats dump, .html the report, .txt the summary. Without one, the summary is printed.");
        var resolution = CliOptions.WholeNumber("--resolution", null, "N", "Per-referent size tree depth for tracked instances (Pympler: resolution_level).", 0);
        var trace = new Option<bool>("--trace") { Description = "Record where tracked instances are created (allocation sampling in the process)." };
        var command = new Command("track", "Track classes in a running .NET process: snapshots at attach, periodically, on heapmon snapshot, and at detach.")
        {
            pid, track, interval, duration, output, resolution, trace,
        };
        command.WithExamples(
            "heapmon track --pid 1234 --track 'MyApp.Orders.*' --duration 60 -o orders.html -o orders.json.gz",
            "heapmon track -p 1234 -t '*Session' --interval 5 -o sessions.json.gz     (Ctrl-C to stop)",
            "heapmon snapshot --pid 1234 --label 'after login'                       (from another terminal)");
        command.SetAction(parse =>
        {
            var request = new StartTrackingRequest(parse.GetValue(track) ?? [], parse.GetValue(resolution), parse.GetValue(trace), parse.GetValue(interval)?.TotalSeconds);
            foreach (string pattern in request.Patterns) TypePattern.Parse(pattern);
            double? stopAfter = parse.GetValue(duration)?.TotalSeconds;
            StatsOutput[] outputs = (parse.GetValue(output) ?? []).Select(StatsOutput.Parse).ToArray();
            OutputFiles.Check(outputs.Select(o => o.Path));
            return new TrackingRun(context, request, outputs).Run(parse.GetValue(pid)!.Value, stopAfter);
        });
        return command;
    }
}

/// <summary>One <c>heapmon track</c>: attach, start, rewrite the outputs as snapshots come, stop at the end or on Ctrl-C/SIGTERM, write, detach.</summary>
internal sealed class TrackingRun(CliContext context, StartTrackingRequest request, IReadOnlyList<StatsOutput> outputs)
{
    private int _written;

    public int Run(int pid, double? stopAfter)
    {
        TargetProcess target = TargetProcess.Probe(pid);
        using var stop = new CancellationTokenSource();
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using AgentClient agent = AgentConnector.Open(target, "track", context.Error);
        TrackingStartedResponse started = agent.Request<TrackingStartedResponse>(request);
        context.Error.WriteLine($"heapmon: tracking {started.MatchedTypes.Count} types in {target.Describe}{(stopAfter is { } d ? $" for {d:0.###} s" : "")}; Ctrl-C stops and writes the outputs");
        foreach (string pattern in started.UnmatchedPatterns)
            context.Error.WriteLine($"heapmon: warning: --track '{pattern}' matches no type in the {started.AssemblyCount} assemblies loaded so far (types loaded later are tracked too)");

        TrackerDataResponse final;
        try
        {
            Wait(agent, stop.Token, stopAfter);
            final = agent.Request<TrackerDataResponse>(new TrackerDataRequest(Stop: true, FinalLabel: "detach"));
        }
        catch (AttachException e) when (e.ExitCode == AttachExitCode.TargetExited && _lastData is { } last)
        {
            // The process is gone: what was fetched last is still worth writing.
            Write(last, final: true);
            throw;
        }
        agent.Detach();
        context.Error.WriteLine($"heapmon: {final.SnapshotCount} snapshots; detached from {target.Describe}");
        foreach (string pattern in final.UnmatchedPatterns)
            context.Error.WriteLine($"heapmon: warning: --track '{pattern}' matched no type in the {final.AssemblyCount} assemblies {target.Describe} loaded");
        Write(DumpTransfer.Load(final.StatsDump), final: true);
        return 0;
    }

    private TrackerData? _lastData;

    /// <summary>Waits for the end, fetching the data to rewrite the outputs as periodic snapshots come (at most once a second, as heapmon run).</summary>
    private void Wait(AgentClient agent, CancellationToken stop, double? stopAfter)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan rewriteEvery = TimeSpan.FromSeconds(Math.Max(1, request.IntervalSeconds ?? 1));
        TimeSpan nextFetch = rewriteEvery;
        while (!stop.IsCancellationRequested && (stopAfter is not { } s || clock.Elapsed.TotalSeconds < s))
        {
            stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
            if (!TargetProcess.IsAlive(agent.Target.Pid))
                throw new AttachException(AttachExitCode.TargetExited, $"{agent.Target.Describe} exited during the command.");
            if (outputs.Count == 0 || request.IntervalSeconds is null || clock.Elapsed < nextFetch) continue;
            nextFetch = clock.Elapsed + rewriteEvery;
            TrackerDataResponse data = agent.Request<TrackerDataResponse>(new TrackerDataRequest(Stop: false, FinalLabel: null));
            if (data.SnapshotCount > _written) Write(DumpTransfer.Load(data.StatsDump), final: false);
        }
    }

    private void Write(TrackerData data, bool final)
    {
        _lastData = data;
        _written = data.Snapshots.Count;
        if (outputs.Count == 0)
        {
            if (final) new ConsoleStats(data, context.Output).PrintSummary();
            return;
        }
        foreach (StatsOutput output in outputs)
        {
            // A failing output never costs the others.
            try
            {
                output.Write(data);
                if (final) context.Wrote(output.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                context.Error.WriteLine($"heapmon: error: writing {output.Path} failed: {e.Message}");
            }
        }
    }
}
