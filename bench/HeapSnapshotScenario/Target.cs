using System.Diagnostics;
using System.Globalization;

namespace Heapmon.Scenarios;

/// <summary>One snapshot as the target reported it, and the wall time the driver saw.</summary>
internal sealed record SnapResult(double WallMs, double TakeMs, long Objects, long Allocated, long HeapBefore, long HeapAfter);

/// <summary>The target process, driven over stdin and stdout.</summary>
internal sealed class Target : IDisposable
{
    private readonly Process _process;

    private Target(Process process, int pid)
    {
        _process = process;
        Pid = pid;
    }

    public int Pid { get; }

    public static Target Start(int objects)
    {
        var info = new ProcessStartInfo("dotnet", ["exec", typeof(Target).Assembly.Location, "target", objects.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        Process process = Process.Start(info)!;
        string ready = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the target did not start");
        return new Target(process, int.Parse(ready.Split(' ')[1], CultureInfo.InvariantCulture));
    }

    public SnapResult Snap(string path, bool graph = false)
    {
        var clock = Stopwatch.StartNew();
        _process.StandardInput.WriteLine($"snap {path}{(graph ? " graph" : "")}");
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the target stopped");
        double wall = clock.Elapsed.TotalMilliseconds;
        Dictionary<string, string> v = line.Split(' ').Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return new SnapResult(wall, double.Parse(v["ms"], CultureInfo.InvariantCulture), long.Parse(v["objects"], CultureInfo.InvariantCulture),
            long.Parse(v["allocated"], CultureInfo.InvariantCulture), long.Parse(v["heapBefore"], CultureInfo.InvariantCulture), long.Parse(v["heapAfter"], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            if (!_process.WaitForExit(10_000)) _process.Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
