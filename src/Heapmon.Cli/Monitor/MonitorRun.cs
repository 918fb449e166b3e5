using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Heapmon.Channel;
using Heapmon.Cli.Attach;
using Heapmon.Metrics;
using Spectre.Console;

namespace Heapmon.Cli.Monitor;

/// <summary>What <c>heapmon monitor</c> was asked for, checked.</summary>
internal sealed record MonitorSettings(IReadOnlyList<string> Patterns, int Top, TimeSpan Interval, double? StopAfter, IPEndPoint? Prometheus, Uri? Otlp);

/// <summary>
/// One <c>heapmon monitor</c>: binds its exporters, attaches, starts tracking with periodic snapshots in the
/// process (keeping only the newest two), and at every refresh fetches the latest figures, publishes them to
/// this process's Heapmon meter (which the exporters read) and redraws the view; ends on q, Ctrl-C, SIGTERM,
/// the duration, or the process's exit (exit code 0 all the same), and detaches.
/// </summary>
internal sealed class MonitorRun(CliContext context, MonitorSettings settings)
{
    private readonly List<string> _notices = [];
    private readonly MonitorFigures _figures = new();
    private long _seen;
    private double _cpuSeen;
    private int _noticesPrinted;

    public int Run(int pid)
    {
        using var metrics = new TrackerMetrics(); // the meter exists before anyone scrapes it
        using PrometheusText? text = settings.Prometheus is null ? null : new PrometheusText();
        using PrometheusEndpoint? endpoint = settings.Prometheus is { } bind ? PrometheusEndpoint.Start(bind, text!.Render) : null;
        TargetProcess target = TargetProcess.Probe(pid);
        using OtlpPush? push = settings.Otlp is { } uri ? OtlpPush.Start(uri, settings.Interval, target.Name, Notice) : null;
        using var stop = new CancellationTokenSource();
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using AgentClient agent = AgentConnector.Open(target, "monitor", context.Error);

        bool exited = false;
        try
        {
            Start(agent);
            if (endpoint is not null) context.Note($"serving Prometheus metrics at http://{PrometheusEndpoint.Format(endpoint.EndPoint)}/metrics");
            if (settings.Otlp is { } otlp) context.Note($"pushing OTLP metrics to {otlp} every {settings.Interval.TotalSeconds:0.###} s");
            bool live = ReferenceEquals(context.Output, Console.Out) && !Console.IsOutputRedirected;
            exited = live ? Live(agent, metrics, stop) : Plain(agent, metrics, stop);
        }
        catch (AttachException e) when (e.ExitCode == AttachExitCode.TargetExited)
        {
            exited = true;
        }
        PrintNotices(); // the live view showed them in its caption; they stay on record here
        if (exited)
        {
            context.Error.WriteLine($"heapmon: {target.Describe} exited; the monitor ends");
            return ExitCodes.Success;
        }
        agent.Detach();
        context.Note($"{_figures.Snapshots:N0} snapshots; detached from {target.Describe}");
        return ExitCodes.Success;
    }

    /// <summary>Starts tracking the types asked for, or, without --track, the program's own largest types from a census.</summary>
    private void Start(AgentClient agent)
    {
        IReadOnlyList<string> patterns = settings.Patterns.Count > 0 ? settings.Patterns : LargestOwnTypes(agent);
        var request = new StartTrackingRequest(patterns, ResolutionLevel: 0, Trace: false, settings.Interval.TotalSeconds, MaxSnapshots: 2);
        TrackingStartedResponse started = agent.Request<TrackingStartedResponse>(request);
        context.Note($"monitoring {started.MatchedTypes.Count} types in {agent.Target.Describe} every {settings.Interval.TotalSeconds:0.###} s");
        foreach (string pattern in started.UnmatchedPatterns)
            context.Warn($"--track '{pattern}' matches no type in the {started.AssemblyCount} assemblies loaded so far (types loaded later are monitored too)");
    }

    private List<string> LargestOwnTypes(AgentClient agent)
    {
        CensusResponse census = agent.Request<CensusResponse>(new CensusRequest());
        List<string> types = [.. MonitorDefaults.OwnTypes(census.Types).Take(settings.Top)];
        if (types.Count == 0) throw new CliUsageException($"{agent.Target.Describe} holds no instance of a type of its own; name the types to watch with --track PATTERN");
        context.Note($"no --track: watching the {types.Count} largest types of the program's own: {string.Join(", ", types)}");
        return types;
    }

    /// <summary>The live table, redrawn in place; keys are read when stdin is a terminal.</summary>
    private bool Live(AgentClient agent, TrackerMetrics metrics, CancellationTokenSource stop)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Output),
            ColorSystem = context.Color == false ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (!Console.IsInputRedirected) new Thread(() => WatchKeys(stop)) { IsBackground = true, Name = "heapmon keys" }.Start();
        string title = $"heapmon monitor: {agent.Target.Describe}";
        bool exited = false;
        console.Live(MonitorView.Table(_figures, title, NoticesNow())).AutoClear(false).Start(live =>
        {
            exited = Loop(agent, metrics, stop.Token, () =>
            {
                live.UpdateTarget(MonitorView.Table(_figures, title, NoticesNow()));
                live.Refresh();
            });
        });
        return exited;
    }

    /// <summary>Plain lines, one per class and new snapshot: for a file, a pipe or a log collector.</summary>
    private bool Plain(AgentClient agent, TrackerMetrics metrics, CancellationTokenSource stop)
    {
        return Loop(agent, metrics, stop.Token, PrintNotices, newSnapshot: () =>
        {
            foreach (string line in MonitorView.Lines(_figures)) context.Output.WriteLine(line);
            context.Output.Flush();
        });
    }

    /// <summary>Refreshes every interval until stopped; true when the process exited.</summary>
    private bool Loop(AgentClient agent, TrackerMetrics metrics, CancellationToken stop, Action redraw, Action? newSnapshot = null)
    {
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && (settings.StopAfter is not { } s || clock.Elapsed.TotalSeconds < s))
        {
            if (Refresh(agent, metrics)) newSnapshot?.Invoke();
            redraw();
            TimeSpan next = clock.Elapsed + settings.Interval;
            while (clock.Elapsed < next && !stop.IsCancellationRequested && (settings.StopAfter is not { } end || clock.Elapsed.TotalSeconds < end))
            {
                if (!TargetProcess.IsAlive(agent.Target.Pid)) return true;
                stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(100, Math.Max(1, (next - clock.Elapsed).TotalMilliseconds))));
            }
        }
        return false;
    }

    /// <summary>Fetches the latest figures and publishes them to this process's Heapmon meter; true when there is a new snapshot.</summary>
    private bool Refresh(AgentClient agent, TrackerMetrics metrics)
    {
        MetricsResponse figures = agent.Request<MetricsResponse>(new MetricsRequest(_seen));
        if (figures.Latest is { } latest)
        {
            TimeSpan cpu = TimeSpan.FromSeconds(Math.Max(0, figures.CpuSeconds - _cpuSeen));
            for (int i = 0; i < figures.Durations.Count; i++)
                metrics.Publish(latest, TimeSpan.FromSeconds(figures.Durations[i]), i == figures.Durations.Count - 1 ? cpu : TimeSpan.Zero);
        }
        (_seen, _cpuSeen) = (figures.Published, figures.CpuSeconds);
        return _figures.Update(figures.Latest, figures.Published, figures.CpuSeconds);
    }

    private void Notice(string message)
    {
        lock (_notices) _notices.Add(message);
    }

    private string[] NoticesNow()
    {
        lock (_notices) return [.. _notices];
    }

    private void PrintNotices()
    {
        lock (_notices)
            for (; _noticesPrinted < _notices.Count; _noticesPrinted++) context.Error.WriteLine($"heapmon: {_notices[_noticesPrinted]}");
    }

    private static void WatchKeys(CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (!Console.KeyAvailable)
                {
                    Thread.Sleep(50);
                    continue;
                }
                if (Console.ReadKey(intercept: true).Key == ConsoleKey.Q) stop.Cancel();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException) { /* no keyboard after all: Ctrl-C still works */ }
    }
}
