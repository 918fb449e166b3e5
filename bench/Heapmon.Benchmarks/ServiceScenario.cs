using System.Globalization;

namespace Heapmon.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Heapmon.Benchmarks -- service-overhead [runs] [requests]</c>: what periodic
/// snapshots cost a real ASP.NET Core service leaking one record per request (bench/LeakyService), under a bounded
/// loopback load, side by side in one run: plain, <c>heapmon run --track LeakyService.SessionRecord --interval 1</c>
/// and <c>--interval 0.1</c>, the modes alternating; under Server GC and Workstation GC, with 20,000 and 200,000
/// tracked instances. Prints the medians of throughput, RSS and GC committed memory, with the ratios and the
/// targets (throughput at least 0.95× plain at 1 Hz and 0.85× at 10 Hz; RSS at most plain + 16 MB + 100 B per tracked
/// object; GC committed at most plain + 64 MB).
/// </summary>
internal static class ServiceScenario
{
    private static readonly string[] s_modes = ["plain", "--interval 1", "--interval 0.1"];

    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        int requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        var service = new ServiceRuns(requests);
        (bool Server, int Tracked)[] configs = [(true, 20_000), (true, 200_000), (false, 20_000), (false, 200_000)];
        // Optional: only one GC (server, workstation) and one tracked count, for a quick look.
        if (args.Length > 2) configs = [.. configs.Where(c => args[2] == (c.Server ? "server" : "workstation"))];
        if (args.Length > 3) configs = [.. configs.Where(c => c.Tracked == int.Parse(args[3], CultureInfo.InvariantCulture))];
        var results = new Dictionary<(bool, int, string), List<ServiceResult>>();
        Console.WriteLine($"{requests:N0} timed requests per run over loopback, {runs} runs, modes alternating; load average {LoadAverage()}");
        for (int run = 1; run <= runs; run++)
            foreach ((bool server, int tracked) in configs)
                foreach (string mode in s_modes)
                {
                    ServiceResult result = service.Measure(server, tracked, mode == "plain" ? null : mode.Split(' ')[1]);
                    (results.TryGetValue((server, tracked, mode), out var list) ? list : results[(server, tracked, mode)] = []).Add(result);
                    Console.WriteLine($"run {run} {Gc(server)} {tracked,7:N0} tracked {mode,-15} {result}");
                }
        foreach ((bool server, int tracked) in configs) PrintTable(server, tracked, results);
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static void PrintTable(bool server, int tracked, Dictionary<(bool, int, string), List<ServiceResult>> results)
    {
        List<ServiceResult> plain = results[(server, tracked, "plain")];
        double plainRate = Median(plain.Select(r => r.RequestsPerSecond));
        double plainRss = Median(plain.Select(r => (double)r.Rss)), plainCommitted = Median(plain.Select(r => (double)r.Committed));
        double rssLimit = plainRss + (16 << 20) + 100.0 * tracked, committedLimit = plainCommitted + (64 << 20);
        Console.WriteLine();
        Console.WriteLine($"{Gc(server)}, {tracked:N0} tracked: RSS limit {Mb(rssLimit)}, GC committed limit {Mb(committedLimit)}");
        Console.WriteLine("| mode | req/s (median) | ratio | target | RSS (median) | + plain | committed (median) | + plain | gen2 GCs | snapshots |");
        Console.WriteLine("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (string mode in s_modes)
        {
            List<ServiceResult> list = results[(server, tracked, mode)];
            double rate = Median(list.Select(r => r.RequestsPerSecond)), ratio = rate / plainRate;
            double rss = Median(list.Select(r => (double)r.Rss)), committed = Median(list.Select(r => (double)r.Committed));
            double target = mode switch { "--interval 1" => 0.95, "--interval 0.1" => 0.85, _ => 1 };
            string verdict = mode == "plain" ? "" : $"≥{target:0.00} {(ratio >= target ? "met" : "MISSED")}" +
                (rss <= rssLimit ? "" : ", RSS MISSED") + (committed <= committedLimit ? "" : ", committed MISSED");
            Console.WriteLine($"| {mode} | {rate:N0} | {ratio:0.00} | {verdict} | {Mb(rss)} | {Mb(rss - plainRss)} | {Mb(committed)} | " +
                $"{Mb(committed - plainCommitted)} | {string.Join(", ", list.Select(r => r.Gen2))} | {string.Join(", ", list.Select(r => r.Snapshots))} |");
        }
    }

    private static string Gc(bool server) => server ? "Server GC" : "Workstation GC";

    private static string Mb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):0.0} MB");

    private static double Median(IEnumerable<double> values) => AllocOverheadScenario.Median(values);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

/// <summary>One run of the service: its throughput under the timed load, then its memory figures as it reported them.</summary>
internal sealed record ServiceResult(double RequestsPerSecond, long Rss, long Peak, long Committed, int Gen2, int Snapshots)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{RequestsPerSecond,7:N0} req/s  RSS {Rss >> 20,4} MB (peak {Peak >> 20} MB)  committed {Committed >> 20,4} MB  gen2 {Gen2}  snapshots {Snapshots}");
}
