using System.CommandLine;
using Heapmon.Cli.Monitor;
using Heapmon.StartupHook.Session;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon monitor --pid PID</c>: a live view of the tracked types of a running process (instances, bytes,
/// change since start, a sparkline), and its figures as metrics for Prometheus (<c>--prometheus</c>) and
/// OpenTelemetry (<c>--otlp</c>), served from the heapmon process: the measured one carries no exporter.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create(CliContext context)
    {
        var pid = CliOptions.Pid("The running .NET process to watch (heapmon ps lists them).");
        pid.Required = true;
        var track = CliOptions.Track("The types to watch (repeatable): a full name, or * wildcards such as 'MyApp.Nodes.*'. Default: the program's own largest types.");
        var top = CliOptions.Top("Without --track: how many of the program's own largest types to watch.", 10, minimum: 1);
        var interval = CliOptions.Interval("Snapshot and refresh every SECONDS (default 1).");
        var duration = CliOptions.Duration("Stop after SECONDS (default: at q or Ctrl-C).");
        var prometheus = new Option<string?>("--prometheus")
        {
            Description = "Serve the metrics in Prometheus's text format at http://ENDPOINT/metrics: a PORT (on 127.0.0.1) or ADDRESS:PORT (0.0.0.0:9464 for every interface).",
            HelpName = "ENDPOINT",
        };
        var otlp = new Option<string?>("--otlp")
        {
            Description = "Push the metrics with OpenTelemetry's OTLP exporter to the collector at ENDPOINT (http://127.0.0.1:4317; OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf for port 4318).",
            HelpName = "ENDPOINT",
        };
        var command = new Command("monitor", "Watch the tracked types of a running .NET process live; serve them to Prometheus or push them with OpenTelemetry.")
        {
            pid, track, top, interval, duration, prometheus, otlp,
        };
        command.WithExamples(
            "heapmon monitor --pid 1234 --track 'MyApp.Orders.*'                    (q or Ctrl-C detaches)",
            "heapmon monitor -p 1234 -t '*Session' --interval 5 --prometheus 127.0.0.1:9464",
            "heapmon monitor -p 1234 -t 'MyApp.*' --otlp http://127.0.0.1:4317 --duration 3600");
        command.SetAction(parse =>
        {
            string[] patterns = parse.GetValue(track) ?? [];
            foreach (string pattern in patterns) TypePattern.Parse(pattern);
            var settings = new MonitorSettings(patterns, parse.GetValue(top), parse.GetValue(interval) ?? TimeSpan.FromSeconds(1), parse.GetValue(duration)?.TotalSeconds,
                parse.GetValue(prometheus) is { } endpoint ? PrometheusEndpoint.Parse(endpoint) : null,
                parse.GetValue(otlp) is { } uri ? OtlpPush.Parse(uri) : null);
            return new MonitorRun(context, settings).Run(parse.GetValue(pid)!.Value);
        });
        return command;
    }
}
