using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Heapmon.Tests.Attach;

namespace Heapmon.Tests.Metrics;

/// <summary><c>heapmon monitor</c> on a running program: plain lines when not a terminal, and each bad input or mishap with its outcome.</summary>
[Collection(AttachCollection.Name)]
public sealed class MonitorCommandTests
{
    private const int Entries = 12_345;
    private const string EntryType = "Attachee.LedgerEntry";

    [Fact]
    public void APortInUseIsOneLineBeforeAnyAttach()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "10", "0"]);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        ChildResult run = AttachHarness.Heapmon("monitor", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "--track", EntryType, "--prometheus", $"127.0.0.1:{port}");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.StdOut);
        Assert.Equal($"heapmon: error: --prometheus 127.0.0.1:{port}: the port is in use; choose another (e.g. --prometheus 127.0.0.1:0 picks a free one)\n", run.StdErr.ReplaceLineEndings("\n"));
        // Refused before attaching: the agent was never loaded.
        Assert.DoesNotContain(File.ReadLines($"/proc/{program.Pid}/maps"), l => l.Contains("Heapmon.StartupHook", StringComparison.Ordinal));
        Assert.False(Directory.Exists(AttachHarness.ChannelDirectory(program.Pid)));
    }

    [Fact]
    public void AnUnreachableOtlpEndpointIsRetriedThenWarnedOnceAndTheViewGoesOn()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", Entries.ToString(CultureInfo.InvariantCulture), "0"]);
        int closed = MetricsHarness.FreePort(); // nobody listens there
        ChildResult run = AttachHarness.Heapmon("monitor", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "--track", EntryType,
            "--interval", "1", "--duration", "8", "--otlp", $"http://127.0.0.1:{closed}");
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] warnings = [.. run.StdErr.Split('\n').Where(l => l.StartsWith("heapmon: warning:", StringComparison.Ordinal))];
        string warning = Assert.Single(warnings);
        Assert.Equal($"heapmon: warning: could not push metrics to http://127.0.0.1:{closed}/ (3 attempts in a row failed; is an OTLP collector listening there?); the monitor goes on and keeps trying", warning);
        // The view went on: a line per snapshot, each with the exact count.
        string[] lines = [.. run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        Assert.True(lines.Length >= 5, run.ToString());
        Assert.All(lines, l => Assert.Matches($@"^\d\d:\d\d:\d\d {EntryType} instances={Entries} \(0\) bytes=\d+ \(0\)$", l));
        Assert.Contains("detached from", run.StdErr);
        Assert.Equal(0, program.Quit());
    }

    [Fact]
    public void ATargetThatExitsWhileMonitoredEndsTheMonitorWithExitCodeZero()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "500", "0"]);
        using System.Diagnostics.Process monitor = AttachHarness.Start("monitor", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "--track", EntryType, "--interval", "0.5");
        string first = monitor.StandardOutput.ReadLine() ?? "";
        Assert.Matches($@"^\d\d:\d\d:\d\d {EntryType} instances=500 \(0\) bytes=\d+ \(0\)$", first);
        Assert.Equal(0, program.Quit());
        ChildResult ended = AttachHarness.Finish(monitor, TimeSpan.FromSeconds(30));
        Assert.True(ended.ExitCode == 0, ended.ToString());
        Assert.Contains($"heapmon: process {program.Pid} (Heapmon.Tests.Attachee, .NET {Environment.Version}) exited; the monitor ends\n", ended.StdErr.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--prometheus", "localhost", "--prometheus takes PORT or ADDRESS:PORT (127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464), not 'localhost'")]
    [InlineData("--prometheus", "::1:9464", "--prometheus takes PORT or ADDRESS:PORT (127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464), not '::1:9464'")]
    [InlineData("--otlp", "127.0.0.1:4317", "--otlp takes the collector's URI (http://127.0.0.1:4317, https://otel.example:4318), not '127.0.0.1:4317'")]
    public void ABadExporterValueIsOneLineAndNothingIsDone(string option, string value, string message)
    {
        (int exit, string output, string error) = CliRunner.RunCli("monitor", "--pid", "1", "--track", "X.Y", option, value);
        Assert.Equal((2, ""), (exit, output));
        Assert.Equal($"heapmon: error: {message}\n", error.ReplaceLineEndings("\n"));
    }
}
