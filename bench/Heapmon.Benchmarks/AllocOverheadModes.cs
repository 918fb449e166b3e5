using System.Diagnostics;
using System.Globalization;
using Result = Heapmon.Benchmarks.AllocOverheadScenario.Result;

namespace Heapmon.Benchmarks;

/// <summary>The ways the overhead scenario runs its workload: each starts it, samples it (or not) and returns what it measured.</summary>
internal sealed class AllocOverheadModes(int rounds, string dotnetTrace)
{
    private readonly string _here = AppContext.BaseDirectory;
    private readonly string _scratch = Directory.CreateTempSubdirectory("heapmon-alloc-bench-").FullName;

    private string Workload => Path.Combine(_here, "Allocations.dll");

    private string Cli => Path.Combine(_here, "Heapmon.Cli.dll");

    private string[] Loop => ["loop", rounds.ToString(CultureInfo.InvariantCulture)];

    public IReadOnlyList<(string Name, Func<Result> Measure)> All =>
    [
        ("plain", Plain),
        ("heapmon run --alloc", HeapmonRun),
        ("heapmon alloc --pid", HeapmonPid),
        ("dotnet-trace collect -- CMD", DotnetTraceLaunch),
        ("dotnet-trace collect -p", DotnetTracePid),
        ("AllocationTracer.Start()", InProcess),
    ];

    private Result Plain() => Result.Parse(Checked(Exec("dotnet", ["exec", Workload, .. Loop])));

    private Result InProcess() => Result.Parse(Checked(Exec("dotnet", ["exec", Workload, .. Loop, "--tracer"])));

    private Result HeapmonRun()
    {
        string dump = Path.Combine(_scratch, "run.json.gz");
        string output = Checked(Exec("dotnet", ["exec", Cli, "run", "--alloc", "-o", dump, "--", Workload, .. Loop]));
        return Result.Parse(output, AllocOverheadScenario.TopLine(Path.Combine(_scratch, "run.alloc.json")));
    }

    private Result DotnetTraceLaunch()
    {
        string trace = Path.Combine(_scratch, "launch.nettrace");
        string output = Checked(Exec(dotnetTrace, ["collect", "--providers", AllocOverheadScenario.Providers, "-o", trace, "--show-child-io", "--", "dotnet", "exec", Workload, .. Loop]));
        return Result.Parse(output, $"  {new FileInfo(trace).Length / 1024:N0} KiB written");
    }

    private Result HeapmonPid()
    {
        string snapshot = Path.Combine(_scratch, "pid.alloc.json");
        return Attached(pid => ["exec", Cli, "alloc", "--pid", pid, "-o", snapshot], "dotnet", (sampler, _) => sampler.Contains("sampling the allocations", StringComparison.Ordinal),
            () => AllocOverheadScenario.TopLine(snapshot));
    }

    private Result DotnetTracePid()
    {
        string trace = Path.Combine(_scratch, "attach.nettrace");
        File.Delete(trace);
        return Attached(pid => ["collect", "-p", pid, "--providers", AllocOverheadScenario.Providers, "-o", trace], dotnetTrace,
            (_, _) => File.Exists(trace) && new FileInfo(trace).Length > 0, () => $"  {new FileInfo(trace).Length / 1024:N0} KiB written");
    }

    /// <summary>Starts the workload waiting, starts the sampler on its pid, lets the workload go once the sampler is ready, and waits for both.</summary>
    private Result Attached(Func<string, string[]> samplerArgs, string sampler, Func<string, string, bool> ready, Func<string> note)
    {
        string go = Path.Combine(_scratch, "go");
        File.Delete(go);
        using Process workload = Start("dotnet", ["exec", Workload, .. Loop, "--wait", go]);
        Task<string> workloadOut = workload.StandardOutput.ReadToEndAsync(), workloadErr = workload.StandardError.ReadToEndAsync();
        using Process tool = Start(sampler, samplerArgs(workload.Id.ToString(CultureInfo.InvariantCulture)));
        var toolOut = new System.Text.StringBuilder();
        var toolErr = new System.Text.StringBuilder();
        tool.OutputDataReceived += (_, e) => { lock (toolOut) toolOut.AppendLine(e.Data); };
        tool.ErrorDataReceived += (_, e) => { lock (toolErr) toolErr.AppendLine(e.Data); };
        tool.BeginOutputReadLine();
        tool.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!ready(Text(toolErr), Text(toolOut)))
        {
            if (tool.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new InvalidOperationException($"{sampler} did not start sampling:\n{Text(toolOut)}{Text(toolErr)}");
            Thread.Sleep(20);
        }
        Thread.Sleep(200);
        File.WriteAllText(go, "");
        workload.WaitForExit();
        // dotnet-trace ends with its target; heapmon too (exit code 15: the process exited during the command, snapshot written).
        if (!tool.WaitForExit(60_000)) tool.Kill(entireProcessTree: true);
        tool.WaitForExit();
        return Result.Parse(workloadOut.Result + workloadErr.Result, note());
    }

    private static string Text(System.Text.StringBuilder builder)
    {
        lock (builder) return builder.ToString();
    }

    private static Process Start(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        return Process.Start(info)!;
    }

    private static string Checked((int Code, string Output) result) =>
        result.Code == 0 ? result.Output : throw new InvalidOperationException($"exit code {result.Code}:\n{result.Output}");

    internal static (int Code, string Output) Exec(string file, IEnumerable<string> args)
    {
        using Process process = Start(file, args);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
