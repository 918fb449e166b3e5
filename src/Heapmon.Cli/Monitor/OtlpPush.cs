using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Heapmon.Cli.Monitor;

/// <summary>
/// <c>--otlp ENDPOINT</c>: pushes the Heapmon meter of this (heapmon) process with the OpenTelemetry SDK's OTLP
/// exporter at every refresh, so the measured program carries no SDK. Failed pushes are retried at the next
/// refresh; after <see cref="FailuresBeforeWarning"/> in a row a warning says so (once), and the monitor goes on.
/// </summary>
internal sealed class OtlpPush : IDisposable
{
    /// <summary>Pushes that fail in a row before the warning.</summary>
    public const int FailuresBeforeWarning = 3;

    private readonly MeterProvider _provider;

    private OtlpPush(MeterProvider provider) => _provider = provider;

    /// <summary>Starts pushing to <paramref name="endpoint"/> every <paramref name="interval"/>; <paramref name="notice"/> hears of failures and recoveries.</summary>
    public static OtlpPush Start(Uri endpoint, TimeSpan interval, string serviceName, Action<string> notice)
    {
        // OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS and _TIMEOUT are read as usual; the endpoint is the option's.
        var options = new OtlpExporterOptions { Endpoint = endpoint, TimeoutMilliseconds = (int)Math.Clamp(interval.TotalMilliseconds, 1_000, 10_000) };
        if (options.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath == "/")
            options.Endpoint = new Uri(endpoint, "/v1/metrics");
        var exporter = new WatchedExporter(options, endpoint, notice);
        var reader = new PeriodicExportingMetricReader(exporter, (int)Math.Max(1_000, interval.TotalMilliseconds))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
        MeterProvider provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName))
            .AddMeter(Heapmon.Metrics.HeapmonMeter.Name)
            .AddReader(reader)
            .Build();
        return new OtlpPush(provider);
    }

    /// <summary>Reads <c>--otlp</c>: an http or https URI.</summary>
    /// <exception cref="CliUsageException">Not an absolute http(s) URI.</exception>
    public static Uri Parse(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CliUsageException($"--otlp takes the collector's URI (http://127.0.0.1:4317, https://otel.example:4318), not '{text}'");

    /// <summary>One last push, bounded in time, then stop.</summary>
    public void Dispose()
    {
        _provider.Shutdown(2_000);
        _provider.Dispose();
    }

    /// <summary>The SDK's OTLP exporter, counting failed pushes in a row.</summary>
    private sealed class WatchedExporter(OtlpExporterOptions options, Uri endpoint, Action<string> notice) : OtlpMetricExporter(options)
    {
        private int _failures;
        private bool _warned;

        public override ExportResult Export(in Batch<Metric> metrics)
        {
            ExportResult result;
            try { result = base.Export(metrics); }
            catch (Exception) { result = ExportResult.Failure; }
            if (result == ExportResult.Success)
            {
                if (_warned) notice($"pushing metrics to {endpoint} again");
                (_failures, _warned) = (0, false);
            }
            else if (++_failures == FailuresBeforeWarning)
            {
                _warned = true;
                notice($"warning: could not push metrics to {endpoint} ({_failures} attempts in a row failed; is an OTLP collector listening there?); the monitor goes on and keeps trying");
            }
            return result;
        }
    }
}
