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
/// The HTML report at scale (issue 6): 100 snapshots × 1,000 tracked objects. Times rendering against a
/// baseline that only serialises the same data to JSON, and adds two columns measured in the same run:
/// the report's size (target under 5 MB) and Chromium's load event (target under 2 s).
/// Run: dotnet run -c Release --project bench/Heapmon.Benchmarks -- --filter '*HtmlReport*' --job short
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class HtmlReportBenchmarks
{
    private TrackerData _data = null!;

    [Params(100)]
    public int Snapshots { get; set; }

    [Params(1000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup() => _data = TrackerDataFixtures.Scale(Snapshots, Objects);

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
        private static readonly Dictionary<(int, int), BrowserMeasure> Cache = [];

        public static BrowserMeasure For(int snapshots, int objects)
        {
            lock (Cache)
            {
                if (!Cache.TryGetValue((snapshots, objects), out BrowserMeasure? m))
                    Cache[(snapshots, objects)] = m = Measure(snapshots, objects).GetAwaiter().GetResult();
                return m;
            }
        }

        private static async Task<BrowserMeasure> Measure(int snapshots, int objects)
        {
            string path = Path.Combine(Path.GetTempPath(), $"heapmon-scale-{snapshots}x{objects}.html");
            new HtmlStats(TrackerDataFixtures.Scale(snapshots, objects)).CreateHtml(path);
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
            loads.Sort();
            var m = new BrowserMeasure(bytes, loads[loads.Count / 2]);
            Console.WriteLine($"// HTML report at {snapshots} snapshots × {objects} objects: {bytes / 1024.0 / 1024.0:0.00} MB (target < 5 MB); " +
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
            int objects = (int)benchmarkCase.Parameters[nameof(Objects)];
            return format(BrowserMeasure.For(snapshots, objects));
        }
    }
}
