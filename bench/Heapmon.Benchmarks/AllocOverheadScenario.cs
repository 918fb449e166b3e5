using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Heapmon.Allocations;

namespace Heapmon.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Heapmon.Benchmarks -- alloc-overhead [runs] [rounds]</c>: what allocation
/// sampling costs a program allocating ~1.2 GB per CPU second of small objects (samples/Allocations <c>loop</c>),
/// side by side in one run, the modes alternating: plain; <c>heapmon run --alloc</c>; <c>heapmon alloc --pid</c>;
/// <c>dotnet-trace collect</c> with the same keywords, started with the program and attached to it (Microsoft's tool,
/// installed into a local folder by this benchmark); and the in-process <c>AllocationTracer.Start()</c>. The
/// workload times its own loop (after a warm-up, and once a sampler attached from outside is running) and
/// reports the loop's elapsed and CPU time and its GCs; this prints the medians, the ratios to plain, and the
/// gen2 GCs per run. The machine's load goes into elapsed times; CPU times are steadier.
/// </summary>
internal static partial class AllocOverheadScenario
{
    private const string TraceVersion = "10.0.750501";

    /// <summary>The sampler's keywords: GC | Loader | Jit | JittedMethodILToNativeMap | Stack | AllocationSampling, verbose.</summary>
    internal const string Providers = "Microsoft-Windows-DotNETRuntime:0x80040020019:5";

    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 250;
        var modes = new AllocOverheadModes(rounds, InstallDotnetTrace());
        var results = new Dictionary<string, List<Result>>();
        string[] names = [.. modes.All.Select(m => m.Name)];
        Console.WriteLine($"{rounds} rounds of ~16 MB each, {runs} runs per mode, alternating; load average {LoadAverage()}");
        for (int run = 1; run <= runs; run++)
            foreach ((string name, Func<Result> measure) in modes.All)
            {
                Result result = measure();
                (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(result);
                Console.WriteLine($"run {run} {name,-30} elapsed {result.Elapsed,6:0.000} s  cpu {result.Cpu,6:0.000} s  gen2 {result.Gen2}{result.Note}");
            }
        PrintTable(names, results);
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static void PrintTable(string[] names, Dictionary<string, List<Result>> results)
    {
        double plainElapsed = Median(results[names[0]].Select(r => r.Elapsed)), plainCpu = Median(results[names[0]].Select(r => r.Cpu));
        Console.WriteLine();
        Console.WriteLine($"| {"mode",-30} | elapsed (median) | ratio | CPU (median) | ratio | gen2 GCs per run |");
        Console.WriteLine($"| {new string('-', 30)} | ---: | ---: | ---: | ---: | --- |");
        foreach (string name in names)
        {
            List<Result> list = results[name];
            double elapsed = Median(list.Select(r => r.Elapsed)), cpu = Median(list.Select(r => r.Cpu));
            Console.WriteLine($"| {name,-30} | {elapsed:0.000} s | {elapsed / plainElapsed:0.00} | {cpu:0.000} s | {cpu / plainCpu:0.00} | {string.Join(", ", list.Select(r => r.Gen2))} |");
        }
    }

    private static string InstallDotnetTrace()
    {
        string tools = Path.Combine(AppContext.BaseDirectory, "tools"), tool = Path.Combine(tools, "dotnet-trace");
        if (!File.Exists(tool))
        {
            var (code, output) = AllocOverheadModes.Exec("dotnet", ["tool", "install", "dotnet-trace", "--version", TraceVersion, "--tool-path", tools]);
            if (code != 0) throw new InvalidOperationException($"installing dotnet-trace {TraceVersion} failed: {output}");
        }
        return tool;
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>One run: the loop's elapsed and CPU seconds and its gen2 GCs, as the workload reported them.</summary>
    internal sealed record Result(double Elapsed, double Cpu, int Gen2, string Note = "")
    {
        public static Result Parse(string output, string note = "")
        {
            Match match = ResultLine().Match(output);
            if (!match.Success) throw new InvalidOperationException("the workload printed no result line:\n" + output);
            return new Result(double.Parse(match.Groups["elapsed"].Value, CultureInfo.InvariantCulture),
                double.Parse(match.Groups["cpu"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["gen2"].Value, CultureInfo.InvariantCulture), note);
        }
    }

    /// <summary>What a snapshot file says the top line is, to check each heapmon run sampled the workload.</summary>
    internal static string TopLine(string path)
    {
        var top = AllocationSnapshot.Load(path, traces: false).TopBy(GroupBy.Line);
        var lines = top.Top();
        return lines.Count == 0 ? "  (no samples)" : $"  top: {Path.GetFileName(lines[0].Key.FileName)}:{lines[0].Key.LineNumber} of {lines.Count} lines";
    }

    [GeneratedRegex(@"result elapsed=(?<elapsed>[\d.]+) cpu=(?<cpu>[\d.]+) allocated=\d+ gen0=\d+ gen1=\d+ gen2=(?<gen2>\d+)")]
    private static partial Regex ResultLine();
}
