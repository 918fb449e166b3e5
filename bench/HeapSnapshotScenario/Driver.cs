using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Scenarios;

/// <summary>Runs one target of <c>size</c> objects and prints Heapmon against dotnet-gcdump, then the diff timing.</summary>
internal static partial class Driver
{
    private const string GcdumpVersion = "10.0.750501";

    public static void Measure(int size)
    {
        string dir = Directory.CreateTempSubdirectory("heapsnap-bench").FullName;
        using var target = Target.Start(size);
        Console.WriteLine($"== target: {size:N0} objects requested, pid {target.Pid}");

        var cold = target.Snap(Path.Combine(dir, "cold.heapsnap"));
        var warm = Enumerable.Range(0, 5).Select(i => target.Snap(Path.Combine(dir, $"warm{i}.heapsnap"))).ToList();
        var graph = target.Snap(Path.Combine(dir, "graph.heapsnap"), graph: true);
        double heapmon = Median(warm.Select(w => w.WallMs));
        Console.WriteLine($"Heapmon HeapSnapshot.Take(): {cold.Objects:N0} objects; first {cold.TakeMs:F0} ms, then median {Median(warm.Select(w => w.TakeMs)):F0} ms " +
                          $"({Median(warm.Select(w => w.TakeMs)) * 1e6 / cold.Objects:F0} ns/object); with file write {heapmon:F0} ms; --graph {graph.TakeMs:F0} ms");
        Console.WriteLine($"  allocated during Take: {warm[0].Allocated / (double)cold.Objects:F1} B/object; heap before {warm[0].HeapBefore:N0} B, after the snapshot and a GC {warm[0].HeapAfter:N0} B");

        string gcdump = GcdumpTool();
        var runs = new List<(double Collect, double Report, string Output)>();
        for (int i = 0; i < 2; i++)
        {
            string file = Path.Combine(dir, $"t{i}.gcdump");
            double collect = Time(gcdump, $"collect -p {target.Pid} -o {file}", out _);
            double report = Time(gcdump, $"report {file}", out string output);
            runs.Add((collect, report, output));
        }
        double baseline = Median(runs.Select(r => r.Collect + r.Report));
        Console.WriteLine($"dotnet-gcdump collect + report: median {baseline:F0} ms (collect {Median(runs.Select(r => r.Collect)):F0} ms, report {Median(runs.Select(r => r.Report)):F0} ms)");
        Console.WriteLine($"  ratio: Heapmon is {baseline / heapmon:F1}x faster (snapshot with file write vs collect + report)");
        CompareCounts(HeapSnapshotFile.Load(Path.Combine(dir, "warm0.heapsnap")), runs[0].Output);

        string a = Path.Combine(dir, "warm0.heapsnap"), b = Path.Combine(dir, "warm1.heapsnap"), g = Path.Combine(dir, "graph.heapsnap");
        double diff = Median(Enumerable.Range(0, 7).Select(_ => Stopwatch.StartNew()).Select(w => { HeapSnapshotDiff.Compare(HeapSnapshotFile.Load(a), HeapSnapshotFile.Load(b)); return w.Elapsed.TotalMilliseconds; }));
        double diffGraph = Median(Enumerable.Range(0, 7).Select(_ => Stopwatch.StartNew()).Select(w => { HeapSnapshotDiff.Compare(HeapSnapshotFile.Load(g), HeapSnapshotFile.Load(b)); return w.Elapsed.TotalMilliseconds; }));
        Console.WriteLine($"Diff of two snapshot files (load both + compare): median {diff:F1} ms ({new FileInfo(a).Length:N0} B each); with a --graph file ({new FileInfo(g).Length:N0} B) {diffGraph:F1} ms; target 200 ms");
        Console.WriteLine();
    }

    /// <summary>Per-type counts of the target's own types, Heapmon against dotnet-gcdump's report (which names nested types by their last part).</summary>
    private static void CompareCounts(HeapSnapshotData snapshot, string report)
    {
        var gcdump = new Dictionary<string, long>();
        foreach (Match m in ReportLine().Matches(report))
            gcdump[m.Groups["type"].Value.Trim()] = gcdump.GetValueOrDefault(m.Groups["type"].Value.Trim()) + long.Parse(m.Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        foreach ((string ours, string theirs) in new[] { ("Heapmon.Scenarios.TargetMode+Order", "Order"), ("Heapmon.Scenarios.TargetMode+Line", "Line"),
                     ("Heapmon.Scenarios.TargetMode+Customer", "Customer"), ("Heapmon.Scenarios.TargetMode+Line[]", "Line[]"),
                     ("System.Collections.Generic.List<Heapmon.Scenarios.TargetMode+Line>", "System.Collections.Generic.List<Heapmon.Scenarios.TargetMode+Line>"),
                     ("System.String", "System.String") })
        {
            long mine = snapshot.Types.FirstOrDefault(t => t.TypeName == ours)?.Count ?? 0;
            long their = gcdump.GetValueOrDefault(theirs);
            Console.WriteLine($"  count {ours}: Heapmon {mine:N0}, gcdump {their:N0}{(mine == their ? "  (equal)" : $"  (differ by {mine - their:N0})")}");
        }
    }

    [GeneratedRegex(@"^\s*[\d,]+\s+(?<count>[\d,]+)\s+(?<type>.+?)(\s+\(Bytes > [^)]*\))?\s+\[[^\]]*\]\s*$", RegexOptions.Multiline)]
    private static partial Regex ReportLine();

    private static string GcdumpTool()
    {
        string dir = Environment.GetEnvironmentVariable("HEAPMON_TOOLS") ?? Path.Combine(Path.GetTempPath(), "heapmon-tools");
        string tool = Path.Combine(dir, "dotnet-gcdump");
        if (!File.Exists(tool) && Time("dotnet", $"tool install dotnet-gcdump --version {GcdumpVersion} --tool-path {dir}", out string output) >= 0 && !File.Exists(tool))
            throw new InvalidOperationException("could not install dotnet-gcdump:\n" + output);
        return tool;
    }

    private static double Time(string file, string arguments, out string output)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double ms = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed:\n{output}\n{stderr.Result}");
        return ms;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }
}
