using System.Diagnostics;
using System.Globalization;
using Heapmon.Sizing;

namespace Heapmon.Benchmarks;

/// <summary>
/// Objects per CPU-second for both walkers, from the process's CPU time: on a shared machine wall-clock
/// rates drop with other processes' load, CPU time much less. Printed once per benchmark process, beside
/// BenchmarkDotNet's wall-clock table.
/// </summary>
internal static class SizingCpuThroughput
{
    public static void Report(object graph, long objects, TextWriter output)
    {
        double naive = ObjectsPerCpuSecond(() => NaiveWalker.Deep(graph), objects, runs: 2);
        double deep = ObjectsPerCpuSecond(() => ObjectSize.Deep(graph), objects, runs: 10);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Sizing CPU throughput: ObjectSize.Deep {deep / 1e6:F1} M objects/CPU-s, naive reflection walker {naive / 1e6:F2} M objects/CPU-s, ratio {deep / naive:F1}x"));
    }

    private static double ObjectsPerCpuSecond(Func<long> walk, long objects, int runs)
    {
        walk(); // warm up
        using var process = Process.GetCurrentProcess();
        TimeSpan before = process.TotalProcessorTime;
        for (int i = 0; i < runs; i++) walk();
        process.Refresh();
        return objects * runs / (process.TotalProcessorTime - before).TotalSeconds;
    }
}
