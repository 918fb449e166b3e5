using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Heapmon.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Heapmon.Benchmarks -- attach-census [objects] [rounds]</c>: the time from
/// starting <c>heapmon census --pid</c> to its table, against <c>dotnet-gcdump collect</c> + <c>report</c> (Microsoft's
/// tool, installed into a local folder by this benchmark) on the same running program with a million
/// objects of one class, in the same run; prints each time, the ratio of the medians, and both counts.
/// </summary>
internal static partial class AttachCensusBenchmark
{
    private const string GcdumpVersion = "10.0.750501";
    private const string Type = "Attachee.LedgerEntry";

    public static int Run(string[] args)
    {
        int objects = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        string here = AppContext.BaseDirectory, tools = Path.Combine(here, "tools"), gcdump = Path.Combine(tools, "dotnet-gcdump");
        if (!File.Exists(gcdump))
            Check(Exec("dotnet", ["tool", "install", "dotnet-gcdump", "--version", GcdumpVersion, "--tool-path", tools]), "installing dotnet-gcdump");

        using Process target = StartTarget(Path.Combine(here, "Heapmon.Tests.Attachee.dll"), objects);
        try
        {
            var heapmonTimes = new List<double>();
            var gcdumpTimes = new List<double>();
            long heapmonCount = 0, gcdumpCount = 0;
            for (int round = 1; round <= rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                (int code, string table, string error) = Exec("dotnet", ["exec", Path.Combine(here, "Heapmon.Cli.dll"), "census", "--pid", target.Id.ToString(CultureInfo.InvariantCulture), "--top", "20"]);
                heapmonTimes.Add(clock.Elapsed.TotalSeconds);
                Check((code, table, error), "heapmon census");
                heapmonCount = CountIn(table, Type);

                string file = Path.Combine(Path.GetTempPath(), $"heapmon-bench-{Environment.ProcessId}-{round}.gcdump");
                clock.Restart();
                Check(Exec(gcdump, ["collect", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-o", file]), "dotnet-gcdump collect");
                (int rc, string report, string rerr) = Exec(gcdump, ["report", file]);
                gcdumpTimes.Add(clock.Elapsed.TotalSeconds);
                Check((rc, report, rerr), "dotnet-gcdump report");
                gcdumpCount = CountIn(report, Type);
                File.Delete(file);
                Console.WriteLine($"round {round}: heapmon census --pid {heapmonTimes[^1]:0.000} s ({heapmonCount:N0} {Type}); dotnet-gcdump collect+report {gcdumpTimes[^1]:0.000} s ({gcdumpCount:N0})");
            }
            double ratio = Median(gcdumpTimes) / Median(heapmonTimes);
            Console.WriteLine($"median: heapmon {Median(heapmonTimes):0.000} s, dotnet-gcdump {Median(gcdumpTimes):0.000} s: heapmon is {ratio:0.0}x faster (target: at least 3x)");
            Console.WriteLine($"counts: heapmon {heapmonCount:N0}, dotnet-gcdump {gcdumpCount:N0}, the program holds {objects:N0}: {(heapmonCount == gcdumpCount && heapmonCount == objects ? "agree" : "DIFFER")}");
            return heapmonCount == gcdumpCount && heapmonCount == objects ? 0 : 1;
        }
        finally
        {
            target.Kill(entireProcessTree: true);
        }
    }

    private static Process StartTarget(string attachee, int objects)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string arg in new[] { "exec", attachee, "hold", objects.ToString(CultureInfo.InvariantCulture), "0" }) info.ArgumentList.Add(arg);
        Process target = Process.Start(info)!;
        while (target.StandardOutput.ReadLine() is { } line && !line.StartsWith("ready ", StringComparison.Ordinal)) { }
        // Keep reading its ticks so the pipe never fills.
        _ = Task.Run(() => { while (target.StandardOutput.ReadLine() is not null) { } });
        return target;
    }

    /// <summary>The count on the line naming <paramref name="type"/>: heapmon's second column, gcdump report's second number.</summary>
    private static long CountIn(string text, string type)
    {
        foreach (string line in text.Split('\n'))
        {
            if (!line.Contains(type + " ", StringComparison.Ordinal) && !line.TrimEnd().EndsWith(type, StringComparison.Ordinal)) continue;
            MatchCollection numbers = Number().Matches(line);
            if (numbers.Count >= 1)
                return line.TrimStart().StartsWith(type, StringComparison.Ordinal)
                    ? long.Parse(numbers[0].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)     // heapmon: Type  Count  Bytes
                    : long.Parse(numbers[^1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);   // gcdump: Size  Count  Type
        }
        return -1;
    }

    [GeneratedRegex(@"(?<![\w.])\d[\d,]*(?![\w.])")]
    private static partial Regex Number();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static (int Code, string Out, string Err) Exec(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void Check((int Code, string Out, string Err) result, string what)
    {
        if (result.Code != 0) throw new InvalidOperationException($"{what} failed ({result.Code}): {result.Err}{result.Out}");
    }
}
