using System.Diagnostics;
using System.Globalization;

namespace Heapmon.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Heapmon.Benchmarks -- monitor-cost [seconds] [rounds]</c>: what
/// <c>heapmon monitor --interval 1</c> costs the program it watches, against <c>heapmon track --interval 1</c> (the
/// same periodic snapshots, nothing fetched between them), on one running program holding 100,000 tracked
/// objects, rounds alternating. The cost is the program's own CPU time (utime + stime in /proc) during each
/// command; prints each, the medians and their ratio (target: the monitor costs no more).
/// </summary>
internal static class MonitorCostBenchmark
{
    private const string Type = "Attachee.LedgerEntry";

    public static int Run(string[] args)
    {
        int seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        string here = AppContext.BaseDirectory, cli = Path.Combine(here, "Heapmon.Cli.dll");
        using Process target = AttachCensusBenchmark.StartTarget(Path.Combine(here, "Heapmon.Tests.Attachee.dll"), 100_000);
        try
        {
            string pid = target.Id.ToString(CultureInfo.InvariantCulture);
            // Load the agent once first: both commands then find its assemblies loaded and JIT the same code.
            AttachCensusBenchmark.Check(AttachCensusBenchmark.Exec("dotnet", ["exec", cli, "census", "--pid", pid, "--top", "1"]), "heapmon census (warm-up)");
            var track = new List<double>();
            var monitor = new List<double>();
            for (int round = 1; round <= rounds; round++)
            {
                track.Add(CpuDuring(target.Id, () => AttachCensusBenchmark.Exec("dotnet", ["exec", cli, "track", "--pid", pid, "--track", Type, "--interval", "1", "--duration", seconds.ToString(CultureInfo.InvariantCulture)]), "heapmon track"));
                monitor.Add(CpuDuring(target.Id, () => AttachCensusBenchmark.Exec("dotnet", ["exec", cli, "monitor", "--pid", pid, "--track", Type, "--interval", "1", "--duration", seconds.ToString(CultureInfo.InvariantCulture)]), "heapmon monitor"));
                Console.WriteLine($"round {round}: the program's CPU during {seconds} s: {track[^1]:0.000} s under heapmon track --interval 1, {monitor[^1]:0.000} s under heapmon monitor --interval 1");
            }
            double t = AttachCensusBenchmark.Median(track), m = AttachCensusBenchmark.Median(monitor);
            Console.WriteLine($"median: track {t:0.000} s, monitor {m:0.000} s of the program's CPU: ratio monitor/track {m / t:0.000} (target: at most 1, within noise)");
            return 0;
        }
        finally
        {
            target.Kill(entireProcessTree: true);
        }
    }

    private static double CpuDuring(int pid, Func<(int Code, string Out, string Err)> command, string what)
    {
        double before = CpuSeconds(pid);
        AttachCensusBenchmark.Check(command(), what);
        return CpuSeconds(pid) - before;
    }

    /// <summary>utime + stime of <paramref name="pid"/> in seconds (/proc/PID/stat, fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
