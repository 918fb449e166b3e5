using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Heapmon.Model;
using Heapmon.Tracking;
using StatsView = Heapmon.Stats.TrackerStats;

namespace Heapmon.Benchmarks;

/// <summary>
/// Scale target: a dump of 100 snapshots × 100,000 tracked objects (10 million size samples)
/// loads in under 5 s and stays under 100 MB. Baseline: only inflating the same gzip file, the floor
/// any gzip-compressed format pays. The "File MB" column is the dump's size on disk.
/// </summary>
[Config(typeof(Config))]
public class StatsFileBenchmarks
{
    public const int Snapshots = 100;
    public const int Objects = 100_000;

    private TrackerData _data = null!;

    /// <summary>Share of samples whose size differs from the previous snapshot's: 10% is typical, 100% the worst case for the file size.</summary>
    [Params(10, 100)]
    public int ChangePercent { get; set; }

    internal static string PathFor(int changePercent) => Path.Combine(Path.GetTempPath(), "heapmon-bench", $"stats-{Snapshots}x{Objects}-{changePercent}.stats");

    private string FilePath => PathFor(ChangePercent);

    [GlobalSetup]
    public void Setup()
    {
        _data = Generate(Snapshots, Objects, ChangePercent, seed: 1);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        new StatsView(_data).DumpStats(FilePath);
        Console.WriteLine($"// stats file: {Snapshots} snapshots x {Objects} objects, {ChangePercent}% of sizes changing: {new FileInfo(FilePath).Length / 1e6:F1} MB at {FilePath}");
    }

    [Benchmark(Baseline = true, Description = "inflate only (baseline)")]
    public long Inflate() => CpuTime.Measure(nameof(Inflate), ChangePercent, () =>
    {
        using var gzip = new GZipStream(File.OpenRead(FilePath), CompressionMode.Decompress);
        var buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = gzip.Read(buffer)) > 0;) total += n;
        return total;
    });

    [Benchmark(Description = "Stats.Load")]
    public int Load() => CpuTime.Measure(nameof(Load), ChangePercent, () => StatsView.Load(FilePath).Data.Objects.Count);

    [Benchmark(Description = "DumpStats")]
    public int Dump() => CpuTime.Measure(nameof(Dump), ChangePercent, () =>
    {
        new StatsView(_data).DumpStats(FilePath + ".dump");
        return 0;
    });

    /// <summary>
    /// Every object alive at every snapshot (the worst case for the sample count);
    /// <paramref name="changePercent"/>% of the sizes change between snapshots, by random amounts;
    /// one object in a hundred has a small referent tree.
    /// </summary>
    internal static TrackerData Generate(int snapshotCount, int objectCount, int changePercent, int seed)
    {
        var random = new Random(seed);
        var started = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);
        string[] classes = ["App.Node", "App.Order", "App.Customer", "App.Cache`1[System.String]", "App.Session"];
        var objects = new TrackedObjectRecord[objectCount];
        for (int id = 0; id < objectCount; id++)
        {
            var samples = new SizeSample[snapshotCount];
            long size = 24 + 8 * random.Next(1, 2000);
            bool tree = id % 100 == 0;
            for (int s = 0; s < snapshotCount; s++)
            {
                if (random.Next(100) < changePercent) size = Math.Max(24, size + 8 * random.Next(-64, 65));
                samples[s] = new SizeSample(s, size, 24, tree
                    ? new ReferentNode("Node", "App.Node", size, 24, [new ReferentNode("_items", "System.Object[]", size - 24, size - 24, [])])
                    : null);
            }
            string cls = classes[id % classes.Length];
            objects[id] = new TrackedObjectRecord(id + 1, cls, $"{cls} #{id + 1}", started.AddMilliseconds(id % 1000), null, tree ? 1 : 0, samples);
        }
        var snapshots = new Snapshot[snapshotCount];
        for (int s = 0; s < snapshotCount; s++)
        {
            long tracked = 0;
            foreach (TrackedObjectRecord o in objects) tracked += o.Samples[s].Size;
            var summaries = classes.Select((c, i) => new ClassSummary(c, objectCount / classes.Length, tracked / classes.Length, tracked / objectCount, 0.1)).ToList();
            snapshots[s] = new Snapshot(s, started.AddSeconds(1 + s), $"snapshot {s}", new ProcessMemory(tracked * 3, tracked * 10),
                new GcFigures(tracked * 2, tracked * 2, 0, [], [s, 0, 0], tracked * 4), tracked, null, summaries);
        }
        var run = new RunInfo("bench", 1, "bench", "10.0", "0.1.0", started);
        return new TrackerData(run, snapshots, classes.Select(c => new TrackedClassRecord(c, 0, false, [])).ToList(), objects);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Each operation takes seconds: a few single runs say what is needed; a long job adds nothing.
            // In-process: a generated project's build took over BenchmarkDotNet's 2-minute limit on this shared machine.
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(new FileSizeColumn(), new CpuTime.Column());
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }

    private sealed class FileSizeColumn : IColumn
    {
        public string Id => nameof(FileSizeColumn);
        public string ColumnName => "File MB";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Size of the stats file on disk, in MB (10^6 bytes)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            string path = PathFor((int)benchmarkCase.Parameters["ChangePercent"]);
            return File.Exists(path) ? (new FileInfo(path).Length / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "?";
        }
    }

    /// <summary>
    /// Processor time per operation, all threads (GC included). On a shared machine the wall-clock
    /// mean grows with everyone else's load; the processor time the operation itself needed does much less.
    /// </summary>
    private static class CpuTime
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<double>> s_seconds = new();

        public static T Measure<T>(string method, int changePercent, Func<T> operation)
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            TimeSpan before = self.TotalProcessorTime;
            T result = operation();
            self.Refresh();
            List<double> list = s_seconds.GetOrAdd($"{method}|{changePercent}", _ => []);
            lock (list) list.Add((self.TotalProcessorTime - before).TotalSeconds);
            return result;
        }

        public sealed class Column : IColumn
        {
            public string Id => nameof(CpuTime);
            public string ColumnName => "CPU s/op";
            public bool AlwaysShow => true;
            public ColumnCategory Category => ColumnCategory.Custom;
            public int PriorityInCategory => 1;
            public bool IsNumeric => true;
            public UnitType UnitType => UnitType.Dimensionless;
            public string Legend => "Processor time per operation, all threads, median of the measured runs (in-process toolchain)";
            public bool IsAvailable(Summary summary) => true;
            public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
            public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

            public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
            {
                string key = $"{benchmarkCase.Descriptor.WorkloadMethod.Name}|{benchmarkCase.Parameters["ChangePercent"]}";
                if (!s_seconds.TryGetValue(key, out List<double>? runs) || runs.Count == 0) return "?";
                // The last three are the measured iterations; earlier ones are the pilot and warm-up.
                double[] measured = [.. runs.TakeLast(3).Order()];
                return measured[measured.Length / 2].ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
