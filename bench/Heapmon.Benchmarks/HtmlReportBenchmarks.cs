using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tests.Html;
using Heapmon.Tracking;

namespace Heapmon.Benchmarks;

/// <summary>
/// The HTML report at scale, in two shapes over 100 snapshots: 1,000 tracked objects of 5 classes, and
/// 1,000 tracked classes (a wildcard such as <c>Microsoft.Build.*</c>). Times rendering against a baseline
/// that only serialises the same data to JSON, and adds two columns measured in the same run: the
/// report's size (targets: under 5 MB for the objects, under 2 MB for the classes) and Chromium's load
/// event (target under 2 s).
/// Run: dotnet run -c Release --project bench/Heapmon.Benchmarks -- --filter '*HtmlReport*' --job short
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class HtmlReportBenchmarks
{
    private TrackerData _data = null!;

    [Params(100)]
    public int Snapshots { get; set; }

    /// <summary>"objects": 1,000 tracked objects of 5 classes; "classes": 1,000 tracked classes.</summary>
    [Params("objects", "classes")]
    public string Shape { get; set; } = "objects";

    [GlobalSetup]
    public void Setup() => _data = Data(Shape, Snapshots);

    private static TrackerData Data(string shape, int snapshots) =>
        shape == "classes" ? TrackerDataFixtures.Wide(classCount: 1000, snapshotCount: snapshots) : TrackerDataFixtures.Scale(snapshots, objectCount: 1000);

    /// <summary>The floor: touching every value once, as JSON.</summary>
    [Benchmark(Baseline = true)]
    public void SerializeJson() => JsonSerializer.Serialize(Stream.Null, _data);

    [Benchmark]
    public void RenderHtml()
    {
        using var writer = new StreamWriter(Stream.Null, new UTF8Encoding(false), 1 << 16);
        new HtmlStats(_data).Render(writer);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new BrowserColumn("Report size", m => (m.Bytes / 1024.0 / 1024.0).ToString("0.00", CultureInfo.InvariantCulture) + " MB"));
            AddColumn(new BrowserColumn("Chromium load", m => m.LoadMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"));
        }
    }

    /// <summary>Figures measured once per parameter set in the host process: the report written to disk and opened in Chromium.</summary>
    private sealed record BrowserMeasure(long Bytes, double LoadMilliseconds)
    {
        private static readonly Dictionary<(int, string), BrowserMeasure> s_cache = [];

        public static BrowserMeasure For(int snapshots, string shape)
        {
            lock (s_cache)
            {
                if (!s_cache.TryGetValue((snapshots, shape), out BrowserMeasure? m))
                    s_cache[(snapshots, shape)] = m = Measure(snapshots, shape).GetAwaiter().GetResult();
                return m;
            }
        }

        private static async Task<BrowserMeasure> Measure(int snapshots, string shape)
        {
            string path = Path.Combine(Path.GetTempPath(), $"heapmon-scale-{snapshots}x1000-{shape}.html");
            new HtmlStats(Data(shape, snapshots)).CreateHtml(path);
            long bytes = new FileInfo(path).Length;
            await using HeadlessChromium browser = await HeadlessChromium.StartAsync();
            // Load event end, from navigation start, as the page's own Navigation Timing reports it; median of 5 fresh tabs.
            var loads = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                ChromiumPage page = await browser.OpenAsync(new Uri(path).AbsoluteUri);
                loads.Add((await page.EvaluateAsync("performance.getEntriesByType('navigation')[0].loadEventEnd")).GetDouble());
                if (page.Errors.Count > 0) throw new InvalidOperationException("The scale report logged errors: " + string.Join("; ", page.Errors));
            }
            File.Delete(path);
            loads.Sort();
            var m = new BrowserMeasure(bytes, loads[loads.Count / 2]);
            string target = shape == "classes" ? "2 MB" : "5 MB";
            Console.WriteLine($"// HTML report at {snapshots} snapshots × 1,000 {shape}: {bytes / 1024.0 / 1024.0:0.00} MB (target < {target}); " +
                $"Chromium load event {m.LoadMilliseconds:0} ms median of 5 (runs: {string.Join(", ", loads.Select(l => l.ToString("0", CultureInfo.InvariantCulture)))}; target < 2000 ms)");
            return m;
        }
    }

    private sealed class BrowserColumn(string name, Func<BrowserMeasure, string> format) : IColumn
    {
        public string Id => nameof(BrowserColumn) + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => false;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => name == "Report size" ? "Size of the HTML report file" : "Chromium load event end after navigation start, median of 5";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            if (benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(RenderHtml)) return "-";
            int snapshots = (int)benchmarkCase.Parameters[nameof(Snapshots)];
            string shape = (string)benchmarkCase.Parameters[nameof(Shape)];
            return format(BrowserMeasure.For(snapshots, shape));
        }
    }
}
