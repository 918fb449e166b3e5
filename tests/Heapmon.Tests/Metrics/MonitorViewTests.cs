using System.Diagnostics.Metrics;
using System.Net;
using Heapmon.Cli;
using Heapmon.Cli.Monitor;
using Heapmon.Metrics;
using Heapmon.Model;
using Spectre.Console;

namespace Heapmon.Tests.Metrics;

/// <summary>What heapmon monitor draws and serves, from fixed figures: the table, the plain lines, the Prometheus text and the endpoint's address.</summary>
public sealed class MonitorViewTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void TheFiguresKeepTheChangeSinceTheFirstSnapshotAndTheRecentCounts()
    {
        var figures = new MonitorFigures();
        for (int i = 0; i < 40; i++)
            Assert.True(figures.Update(Snap(i, ("A", 100 + i, 2_400 + 24 * i), ("B", 5, 500)), i + 1, 0.5));
        Assert.False(figures.Update(Snap(39, ("A", 0, 0)), 40, 0.5)); // the same snapshot again: nothing new

        MonitorFigures.ClassLine a = figures.Lines.Single(l => l.Name == "A");
        Assert.Equal((139L, 39L, 24L * 39), (a.Active, a.ActiveChange, a.TotalChange));
        Assert.Equal(Enumerable.Range(110, MonitorFigures.History).Select(v => (long)v), a.Recent);
        Assert.Equal(["A", "B"], figures.Lines.Select(l => l.Name)); // the largest first
    }

    [Fact]
    public void ASparklineScalesEachValueBetweenTheMinimumAndTheMaximum()
    {
        Assert.Equal("▁▂▃▄▅▆▇█", MonitorView.Sparkline([0, 1, 2, 3, 4, 5, 6, 7]));
        Assert.Equal("▁█▁", MonitorView.Sparkline([10, 20, 10]));
        Assert.Equal("▁▁▁", MonitorView.Sparkline([5, 5, 5]));
        Assert.Equal("", MonitorView.Sparkline([]));
    }

    [Fact]
    public void PlainLinesAndTheTableWithoutColourCarryTheFigures()
    {
        var figures = new MonitorFigures();
        figures.Update(Snap(0, ("MyApp.Order", 1_000, 40_000)), 1, 0.01);
        figures.Update(Snap(1, ("MyApp.Order", 1_250, 50_000)), 2, 0.02);
        string time = s_start.AddSeconds(1).ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"{time} MyApp.Order instances=1250 (+250) bytes=50000 (+10000)"], MonitorView.Lines(figures));

        var text = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 120;
        console.Write(MonitorView.Table(figures, "heapmon monitor: process 1 (MyApp)", ["warning: could not push"]));
        string table = text.ToString();
        Assert.DoesNotContain("\u001b[", table);
        Assert.Contains("MyApp.Order", table);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(table, @"MyApp\.Order\s+1,250\s+\+250\s+48\.83 KiB\s+\+10000 B\s+▁█"), table);
        Assert.Contains("warning: could not push", table);
        Assert.Contains("snapshot 2 at", table);
    }

    [Fact]
    public void ThePrometheusTextNamesUnitsCountersAndHistogramsAsOpenTelemetryMapsThem()
    {
        using var text = new PrometheusText();
        string name = "Probe." + Guid.NewGuid().ToString("N")[..8];
        using var source = new TrackerMetrics();
        source.Publish(Snap(0, (name + "\"quoted\\", 7, 700)), TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(20));
        string exposition = text.Render();

        string escaped = name + "\\\"quoted\\\\";
        Assert.Contains("# TYPE heapmon_tracked_instances gauge\n", exposition);
        Assert.Contains($"heapmon_tracked_instances{{class=\"{escaped}\"}} 7\n", exposition);
        Assert.Contains($"heapmon_tracked_size_bytes{{class=\"{escaped}\"}} 700\n", exposition);
        Assert.Contains("# TYPE heapmon_snapshot_cpu_time_seconds_total counter\n", exposition);
        Assert.Contains("# TYPE heapmon_snapshot_duration_seconds histogram\n", exposition);
        Assert.Matches(@"heapmon_snapshot_duration_seconds_bucket\{le=""0\.05""\} [1-9]\d*\n", exposition);
        Assert.Matches(@"heapmon_snapshot_duration_seconds_count [1-9]\d*\n", exposition);
    }

    [Theory]
    [InlineData("9464", "127.0.0.1", 9464)]
    [InlineData("127.0.0.1:9464", "127.0.0.1", 9464)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    [InlineData("0.0.0.0:9464", "0.0.0.0", 9464)]
    [InlineData("[::1]:9464", "::1", 9464)]
    public void TheEndpointIsLoopbackUnlessAnAddressIsGiven(string text, string address, int port)
    {
        IPEndPoint endPoint = PrometheusEndpoint.Parse(text);
        Assert.Equal((IPAddress.Parse(address), port), (endPoint.Address, endPoint.Port));
    }

    [Fact]
    public async Task TheEndpointServesMetricsAndNothingElse()
    {
        using PrometheusEndpoint endpoint = PrometheusEndpoint.Start(new IPEndPoint(IPAddress.Loopback, 0), () => "heapmon_x 1\n");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{endpoint.EndPoint.Port}"), Timeout = TimeSpan.FromSeconds(5) };
        HttpResponseMessage metrics = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("heapmon_x 1\n", await metrics.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/other")).StatusCode);
        var e = Assert.Throws<CliUsageException>(() => PrometheusEndpoint.Start(endpoint.EndPoint, () => ""));
        Assert.Contains("the port is in use", e.Message);
    }

    private static Snapshot Snap(int second, params (string Name, int Active, long Total)[] classes) =>
        HeapmonMeterTests.SnapshotOf([.. classes.Select(c => new ClassSummary(c.Name, c.Active, c.Total, c.Active == 0 ? 0 : c.Total / c.Active, 0))]) with { Timestamp = s_start.AddSeconds(second) };
}
