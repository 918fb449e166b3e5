using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Heapmon.Sizing;

namespace Heapmon.Benchmarks;

/// <summary>
/// ObjectSize.Deep over a List of 1,000,000 Nodes (each with a string and an int[]: 3,000,002 objects in
/// all) against a naive reflection walker in the same run. Op/s is objects per second (OperationsPerInvoke).
/// Run: dotnet run -c Release --project bench/Heapmon.Benchmarks -- --filter '*SizingBenchmarks*'
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SizingBenchmarks
{
    private const int Nodes = 1_000_000;
    private const int Objects = 3 * Nodes + 2; // the nodes, their strings and arrays, the list and its array

    private List<Node> _graph = [];

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(6).WithLaunchCount(1).WithId("Sizing"));
            AddColumn(StatisticColumn.OperationsPerSecond);
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
        }
    }

    /// <summary>A small object: a string and an int[].</summary>
    public sealed class Node
    {
        public string Name = "";
        public int[] Values = [];
    }

    [GlobalSetup]
    public void Setup()
    {
        _graph = new List<Node>(Nodes);
        for (int i = 0; i < Nodes; i++)
            _graph.Add(new Node { Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Values = new int[i % 4] });
        GC.Collect();
        long fast = ObjectSize.Deep(_graph);
        long naive = NaiveWalker.Deep(_graph);
        if (fast != naive)
            throw new InvalidOperationException($"The walkers disagree: Deep {fast}, naive {naive}.");
        SizingCpuThroughput.Report(_graph, Objects, Console.Out);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Objects, Description = "naive reflection walker")]
    public long Naive() => NaiveWalker.Deep(_graph);

    [Benchmark(OperationsPerInvoke = Objects, Description = "ObjectSize.Deep")]
    public long Deep() => ObjectSize.Deep(_graph);
}
