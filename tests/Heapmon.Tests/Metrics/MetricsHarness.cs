using System.Net;
using System.Net.Sockets;
using Heapmon.Tests.Attach;

namespace Heapmon.Tests.Metrics;

/// <summary>The metrics sample, Microsoft's dotnet-counters and free loopback ports for the metrics tests.</summary>
internal static class MetricsHarness
{
    /// <summary>The dotnet-counters version the tests run (the newest the package mirror serves).</summary>
    public const string CountersVersion = "10.0.750501";

    private static readonly Lazy<string> s_counters = new(InstallCounters);

    /// <summary>The sample from its own output folder (it carries its own OpenTelemetry SDK).</summary>
    public static string Sample
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(TestPaths.RepoRoot, "samples", "Metrics", "bin", output.Parent!.Name, output.Name, "Metrics.dll");
        }
    }

    /// <summary>Starts the sample in <paramref name="mode"/> and waits for its "ready" line.</summary>
    public static RunningProgram StartSample(string mode, int count) =>
        RunningProgram.Start([ChildProcess.DotnetHost, "exec", Sample, mode, count.ToString(System.Globalization.CultureInfo.InvariantCulture)], "ready ");

    /// <summary>dotnet-counters, installed once per test run into a folder of its own (dotnet tool install --tool-path).</summary>
    public static string Counters => s_counters.Value;

    /// <summary>A TCP port nobody listens on at 127.0.0.1 now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string InstallCounters()
    {
        string folder = Path.Combine(Path.GetTempPath(), "heapmon-tests", "dotnet-counters-" + CountersVersion);
        string tool = Path.Combine(folder, "dotnet-counters");
        if (File.Exists(tool)) return tool;
        ChildResult install = ChildProcess.Run(ChildProcess.DotnetHost, ["tool", "install", "dotnet-counters", "--version", CountersVersion, "--tool-path", folder], timeout: TimeSpan.FromMinutes(5));
        if (install.ExitCode != 0 || !File.Exists(tool)) throw new InvalidOperationException("dotnet tool install dotnet-counters failed: " + install);
        return tool;
    }
}
