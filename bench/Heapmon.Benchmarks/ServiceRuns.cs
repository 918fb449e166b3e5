using System.Diagnostics;
using System.Globalization;

namespace Heapmon.Benchmarks;

/// <summary>
/// Starts bench/LeakyService (plain or under <c>heapmon run</c>), drives it with a fixed number of requests over
/// loopback (127.0.0.1 only, a few connections at once, a short untimed warm-up first), reads its memory figures,
/// and stops it. Nothing runs longer than the requests it was given.
/// </summary>
internal sealed class ServiceRuns(int requests)
{
    private const int Connections = 8;
    private readonly string _here = AppContext.BaseDirectory;

    private int Warmup => Math.Max(requests / 20, 500);

    private string Service
    {
        get
        {
            // bench/Heapmon.Benchmarks/bin/<Configuration>/net10.0/ → bench/LeakyService/bin/<Configuration>/net10.0/
            var output = new DirectoryInfo(_here.TrimEnd('/'));
            return Path.Combine(output.Parent!.Parent!.Parent!.Parent!.FullName, "LeakyService", "bin", output.Parent.Name, output.Name, "LeakyService.dll");
        }
    }

    /// <summary>One run: <paramref name="interval"/> null runs the service plain.</summary>
    public ServiceResult Measure(bool serverGc, int tracked, string? interval)
    {
        string preload = Math.Max(0, tracked - requests - Warmup).ToString(CultureInfo.InvariantCulture);
        string[] command = interval is null
            ? ["exec", Service, "--preload", preload]
            : ["exec", Path.Combine(_here, "Heapmon.Cli.dll"), "run", "--track", "LeakyService.SessionRecord", "--interval", interval, "--", Service, "--preload", preload];
        var start = new ProcessStartInfo("dotnet", command) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_gcServer"] = serverGc ? "1" : "0";
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string url = WaitForUrl(process);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { BaseAddress = new Uri(url) };
        Drive(http, Warmup).GetAwaiter().GetResult();
        var clock = Stopwatch.StartNew();
        Drive(http, requests).GetAwaiter().GetResult();
        double rate = requests / clock.Elapsed.TotalSeconds;
        Dictionary<string, string> stats = http.GetStringAsync("/stats").GetAwaiter().GetResult().Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        http.PostAsync("/quit", null).GetAwaiter().GetResult();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the service did not stop within 2 minutes");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"the service ended with {process.ExitCode}:\n{errors.Result}");
        string diag = string.Join(' ', errors.Result.Split('\n').Where(l => l.StartsWith("DIAG", StringComparison.Ordinal)));
        if (diag.Length > 0) Console.WriteLine(diag);
        // The summary heapmon prints at exit: one row of the record per snapshot, the last with every record the service made.
        string[] rows = [.. errors.Result.Split('\n').Where(l => l.StartsWith("heapmon:   LeakyService.SessionRecord ", StringComparison.Ordinal))];
        int snapshots = rows.Length;
        if (interval is not null && (rows.Length == 0 || long.Parse(rows[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture) != long.Parse(stats["records"], CultureInfo.InvariantCulture)))
            throw new InvalidOperationException($"heapmon's last snapshot does not count the service's {stats["records"]} records:\n{errors.Result}");
        return new ServiceResult(rate, long.Parse(stats["rss"], CultureInfo.InvariantCulture), long.Parse(stats["peak"], CultureInfo.InvariantCulture),
            long.Parse(stats["committed"], CultureInfo.InvariantCulture), int.Parse(stats["gen2"], CultureInfo.InvariantCulture), snapshots);
    }

    private static string WaitForUrl(Process process)
    {
        while (process.StandardOutput.ReadLine() is { } line)
            if (line.StartsWith("listening ", StringComparison.Ordinal))
            {
                string url = line["listening ".Length..];
                if (!url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)) throw new InvalidOperationException($"not a loopback address: {url}");
                _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                return url;
            }
        throw new InvalidOperationException("the service ended before it listened");
    }

    /// <summary>Exactly <paramref name="count"/> POST /leak requests over <see cref="Connections"/> connections; any failure ends the run.</summary>
    private static Task Drive(HttpClient http, int count)
    {
        int next = 0;
        async Task Loop()
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                using HttpResponseMessage response = await http.PostAsync("/leak", null).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }
        }
        return Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(Loop)));
    }
}
