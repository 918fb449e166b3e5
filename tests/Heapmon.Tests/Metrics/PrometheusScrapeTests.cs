using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Heapmon.Tests.Attach;
using Heapmon.Tests.Run;

namespace Heapmon.Tests.Metrics;

/// <summary>
/// A real Prometheus server (Debian's prometheus, installed by .ci/run) scrapes <c>heapmon monitor --prometheus</c>
/// on 127.0.0.1 while it watches a program that knows nothing of Heapmon: after two scrapes its query API gives
/// the exact instance count. Everything runs on loopback, bounded in time, and is stopped by the test.
/// </summary>
[Collection(AttachCollection.Name)]
public sealed class PrometheusScrapeTests
{
    private const int Entries = 12_345;
    private const string Prometheus = "/usr/bin/prometheus";

    [Fact]
    public void PrometheusScrapesTheMonitorAndItsQueryApiReturnsTheExactCount()
    {
        Assert.True(File.Exists(Prometheus), $"{Prometheus} is missing: .ci/run installs the Debian package prometheus");
        using RunningProgram program = RunningProgram.StartAttachee(["hold", Entries.ToString(CultureInfo.InvariantCulture), "0"]);
        int exporterPort = MetricsHarness.FreePort();
        using Process monitor = AttachHarness.Start("monitor", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "--track", "Attachee.LedgerEntry",
            "--interval", "0.5", "--duration", "60", "--prometheus", $"127.0.0.1:{exporterPort}");
        string dir = TestPaths.NewTempDirectory("prometheus");
        int serverPort = MetricsHarness.FreePort();
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: heapmon
                static_configs:
                  - targets: ['127.0.0.1:{exporterPort}']
            """);
        using Process server = Process.Start(new ProcessStartInfo(Prometheus)
        {
            ArgumentList = { $"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address=127.0.0.1:{serverPort}" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serverPort}"), Timeout = TimeSpan.FromSeconds(5) };
            const string Series = "heapmon_tracked_instances{class=\"Attachee.LedgerEntry\",job=\"heapmon\"}";
            // Two scrapes that saw the series, then its value.
            RunHarness.WaitFor(() => Query(http, $"count_over_time({Series}[5m])") is >= 2, TimeSpan.FromSeconds(60), "two scrapes of heapmon monitor");
            Assert.Equal(Entries, Query(http, Series));
            Assert.Equal(1, Query(http, "up{job=\"heapmon\"}"));
            Assert.True(Query(http, "heapmon_snapshot_duration_seconds_count{job=\"heapmon\"}") >= 1);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            if (!monitor.HasExited) RunHarness.Signal(monitor.Id, 15); // SIGTERM: the monitor detaches and ends
        }
        ChildResult ended = AttachHarness.Finish(monitor, TimeSpan.FromSeconds(30));
        Assert.True(ended.ExitCode == 0, ended.ToString());
        Assert.Contains($"heapmon: serving Prometheus metrics at http://127.0.0.1:{exporterPort}/metrics", ended.StdErr);
        Assert.Equal(0, program.Quit());
    }

    /// <summary>The value of an instant query with one result, or null while it has none.</summary>
    private static double? Query(HttpClient http, string promQl)
    {
        try
        {
            using JsonDocument answer = JsonDocument.Parse(http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(promQl)).Result);
            JsonElement result = answer.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 1 ? double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) : null;
        }
        catch (AggregateException) { return null; } // not up yet
    }
}
