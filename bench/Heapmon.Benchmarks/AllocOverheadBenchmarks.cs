using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Heapmon.Allocations;

namespace Heapmon.Benchmarks;

/// <summary>
/// Overhead of allocation tracing on allocation-heavy work: tracer off (baseline) vs. the in-process
/// tracer vs. `dotnet-trace collect` recording the same events from outside. BenchmarkDotNet runs each
/// case in its own process, so each setup starts its own session. dotnet-trace: set HEAPMON_DOTNET_TRACE
/// to its path, or install it with `dotnet tool install dotnet-trace --tool-path /tmp/heapmon-tools`.
/// </summary>
[MemoryDiagnoser]
public class AllocOverheadBenchmarks
{
    // GC | Loader | Jit | JittedMethodILToNativeMap | Stack | AllocationSampling: the tracer's own keywords.
    private const string Providers = "Microsoft-Windows-DotNETRuntime:0x80040020019:5";

    private Process? _dotnetTrace;
    private string? _traceFile;
    private object? _sink;

    /// <summary>Mixed: small objects built and used (~1 GB/s here); Pure: a bare allocation loop (several GB/s).</summary>
    [Params("Mixed", "Pure")]
    public string Workload { get; set; } = "Mixed";

    [GlobalSetup(Target = nameof(TracerOn))]
    public void StartTracer() => AllocationTracer.Start();

    [GlobalCleanup(Target = nameof(TracerOn))]
    public void StopTracer() => AllocationTracer.Stop();

    [GlobalSetup(Target = nameof(DotnetTraceOutside))]
    public void StartDotnetTrace()
    {
        string tool = Environment.GetEnvironmentVariable("HEAPMON_DOTNET_TRACE") is { Length: > 0 } path ? path
            : File.Exists("/tmp/heapmon-tools/dotnet-trace") ? "/tmp/heapmon-tools/dotnet-trace" : "dotnet-trace";
        _traceFile = Path.Combine(Path.GetTempPath(), $"heapmon-bench-{Environment.ProcessId}.nettrace");
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string arg in new[] { "collect", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--providers", Providers, "-o", _traceFile })
            info.ArgumentList.Add(arg);
        _dotnetTrace = Process.Start(info) ?? throw new InvalidOperationException("dotnet-trace did not start");
        _dotnetTrace.OutputDataReceived += (_, _) => { };
        _dotnetTrace.ErrorDataReceived += (_, _) => { };
        _dotnetTrace.BeginOutputReadLine();
        _dotnetTrace.BeginErrorReadLine();
        // The session is live once events reach the file.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(File.Exists(_traceFile) && new FileInfo(_traceFile).Length > 0))
        {
            if (_dotnetTrace.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException($"dotnet-trace ({tool}) did not start a session");
            Thread.Sleep(50);
        }
        Thread.Sleep(500);
    }

    [GlobalCleanup(Target = nameof(DotnetTraceOutside))]
    public void StopDotnetTrace()
    {
        if (_dotnetTrace is { HasExited: false })
        {
            _dotnetTrace.Kill(entireProcessTree: true);
            _dotnetTrace.WaitForExit();
        }
        if (_traceFile is not null) File.Delete(_traceFile);
    }

    [Benchmark(Baseline = true)]
    public long TracerOff() => Run();

    [Benchmark]
    public long TracerOn() => Run();

    [Benchmark]
    public long DotnetTraceOutside() => Run();

    private long Run() => Workload == "Pure" ? Pure() : Mixed();

    /// <summary>About 100 MB of short-lived objects with some work on each: records, lists, strings.</summary>
    private long Mixed()
    {
        long total = 0;
        for (int i = 0; i < 200_000; i++)
        {
            var list = new List<int>(16);
            for (int j = 0; j < 16; j++) list.Add(i ^ j);
            var point = new Point(i, list[7]);
            string text = string.Concat("item-", (i & 1023).ToString(System.Globalization.CultureInfo.InvariantCulture));
            int[] values = new int[64];
            for (int j = 0; j < values.Length; j++) values[j] = j * point.X;
            total += list.Count + text.Length + values[63] + point.Y;
            _sink = text;
        }
        return total;
    }

    /// <summary>About 100 MB of bare small arrays: the worst case for any per-allocation cost.</summary>
    private long Pure()
    {
        long total = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            var array = new byte[76];
            total += array.Length;
            _sink = array;
        }
        return total;
    }

    private sealed record Point(int X, int Y);
}
