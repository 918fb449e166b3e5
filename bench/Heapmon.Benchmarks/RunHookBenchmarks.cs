using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace Heapmon.Benchmarks;

/// <summary>
/// What the startup hook costs a program's run: the Workload sample's `quick` mode (builds 50 nodes and
/// returns) started plainly, with the hook named but not configured (must cost nothing), and profiled
/// (start and exit snapshots, a stats dump). Ratios are against the plain start in the same run.
/// Build the solution first: the sample and the hook are used from their build folders.
/// </summary>
[MemoryDiagnoser(false)]
public class RunHookBenchmarks
{
    private string _workload = "";
    private string _hook = "";
    private string _dump = "";

    [GlobalSetup]
    public void Setup()
    {
        string root = FindRoot();
        _workload = Newest(Path.Combine(root, "samples", "Workload", "bin"), "Workload.dll");
        _hook = Newest(Path.Combine(root, "src", "Heapmon.Cli", "bin"), "Heapmon.StartupHook.dll");
        _dump = Path.Combine(Path.GetTempPath(), $"heapmon-bench-{Environment.ProcessId}.json.gz");
    }

    [Benchmark(Baseline = true, Description = "plain start")]
    public int Plain() => Run([]);

    [Benchmark(Description = "hook, not configured")]
    public int HookNotConfigured() => Run([("DOTNET_STARTUP_HOOKS", _hook)]);

    [Benchmark(Description = "hook, tracking and dumping")]
    public int HookProfiling() => Run([("DOTNET_STARTUP_HOOKS", _hook), ("HEAPMON_TRACK", "Workload.Nodes.*"), ("HEAPMON_OUTPUT", _dump)]);

    private int Run((string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(_workload);
        info.ArgumentList.Add("quick");
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        foreach ((string name, string value) in environment) info.Environment[name] = value;
        using Process process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? 0 : throw new InvalidOperationException($"the workload exited with {process.ExitCode}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Heapmon.sln"))) return dir.FullName;
        throw new InvalidOperationException("Heapmon.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Newest(string folder, string name) =>
        (Directory.Exists(folder) ? Directory.GetFiles(folder, name, SearchOption.AllDirectories) : [])
            .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
        ?? throw new InvalidOperationException($"{name} not found under {folder}: build the solution first.");
}
