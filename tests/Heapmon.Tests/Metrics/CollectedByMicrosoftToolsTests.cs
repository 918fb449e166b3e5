using System.Globalization;
using Heapmon.Tests.Attach;

namespace Heapmon.Tests.Metrics;

/// <summary>
/// A program that tracks its 4,321 orders with Heapmon: Microsoft's dotnet-counters (the real tool, installed by
/// the test) and the OpenTelemetry SDK (its in-memory exporter, in the sample) both read the exact count.
/// </summary>
[Collection(AttachCollection.Name)]
public sealed class CollectedByMicrosoftToolsTests
{
    private const int Orders = 4_321;
    private const string OrderType = "Heapmon.Samples.Metrics.Order";

    [Fact]
    public void DotnetCountersShowsTheExactInstanceCountOfTheTrackedClass()
    {
        using RunningProgram sample = MetricsHarness.StartSample("hold", Orders);
        string csv = Path.Combine(TestPaths.NewTempDirectory("counters"), "counters.csv");
        ChildResult collect = ChildProcess.Run(MetricsHarness.Counters,
            ["collect", "-p", sample.Pid.ToString(CultureInfo.InvariantCulture), "--counters", "Heapmon", "--format", "csv", "-o", csv, "--duration", "00:00:00:05"],
            timeout: TimeSpan.FromMinutes(1));
        Assert.True(collect.ExitCode == 0, collect.ToString());

        // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment
        string[][] rows = [.. File.ReadLines(csv).Skip(1).Select(l => l.Split(','))];
        double[] instances = [.. rows.Where(r => r[1] == "Heapmon" && r[2] == $"heapmon.tracked.instances ({{instance}})[class={OrderType}]").Select(r => double.Parse(r[4], CultureInfo.InvariantCulture))];
        Assert.True(instances.Length >= 2, string.Join('\n', rows.Select(r => string.Join(',', r))));
        Assert.All(instances, v => Assert.Equal(Orders, v));
        double[] bytes = [.. rows.Where(r => r[2] == $"heapmon.tracked.size (By)[class={OrderType}]").Select(r => double.Parse(r[4], CultureInfo.InvariantCulture))];
        Assert.NotEmpty(bytes);
        Assert.All(bytes, b => Assert.Equal(0, b % Orders)); // every order is the same size
        Assert.Contains(rows, r => r[2].StartsWith("heapmon.snapshot.duration (s)", StringComparison.Ordinal));
        Assert.Equal(0, sample.Quit());
    }

    [Fact]
    public void OpenTelemetryWithAddMeterHeapmonExportsTheExactCountWithTheClassTag()
    {
        ChildResult run = ChildProcess.RunDotnet(MetricsHarness.Sample, ["otel", Orders.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] points = run.StdOut.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"point heapmon.tracked.instances unit={{instance}} class={OrderType} value={Orders}", points);
        string size = Assert.Single(points, p => p.StartsWith($"point heapmon.tracked.size unit=By class={OrderType} value=", StringComparison.Ordinal));
        Assert.Equal(0, long.Parse(size.Split("value=")[1], CultureInfo.InvariantCulture) % Orders);
        Assert.Contains("point heapmon.snapshot.duration unit=s value=count=1", points);
        Assert.Single(points, p => p.StartsWith("point heapmon.snapshot.cpu.time unit=s value=", StringComparison.Ordinal));
    }
}
