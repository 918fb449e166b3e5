using System.Diagnostics;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Run;

/// <summary>Signals: SIGUSR2 asks for a snapshot, SIGTERM still leaves the outputs, SIGKILL keeps the last periodic ones.</summary>
public sealed class RunSignalTests
{
    private const int SigKill = 9, SigTerm = 15, SigUsr2 = 12;

    [Fact]
    public void AfterSIGKILLTheLastPeriodicDumpIsComplete()
    {
        string dir = TestPaths.NewTempDirectory("run-kill");
        string dump = Path.Combine(dir, "heap.json.gz");
        using Process heapmon = RunHarness.Start(["run", "--track", "Workload.Nodes.*", "--interval", "0.1", "-o", dump, "--", RunHarness.Workload, "wait"]);
        int pid = ReadyPid(heapmon);

        // Periodic dumps are rewritten about once a second; wait for the second one, then kill without warning.
        RunHarness.WaitFor(() => File.Exists(dump) && RunHarness.LoadDump(dump).Snapshots.Count >= 12, TimeSpan.FromSeconds(60), "two periodic dumps");
        RunHarness.Signal(pid, SigKill);
        Assert.True(heapmon.WaitForExit(30_000));

        Assert.Equal(128 + SigKill, heapmon.ExitCode);
        TrackerData data = RunHarness.LoadDump(dump);
        Assert.Equal("start", data.Snapshots[0].Description);
        Assert.True(data.Snapshots.Count >= 12, $"{data.Snapshots.Count} snapshots");
        Assert.All(data.Snapshots.Skip(1), s => Assert.Null(s.Description)); // periodic snapshots carry no label
        Assert.DoesNotContain("wrote", heapmon.StandardError.ReadToEnd());
    }

    [Fact]
    public void SIGUSR2SentToHeapmonReachesTheProgramAndTakesASnapshot()
    {
        string dir = TestPaths.NewTempDirectory("run-usr2");
        string dump = Path.Combine(dir, "heap.json.gz");
        using Process heapmon = RunHarness.Start(["run", "--snapshot-on-signal", "--snapshot-at", "exit", "-o", dump, "--", RunHarness.Workload, "wait"]);
        int pid = ReadyPid(heapmon);

        RunHarness.Signal(heapmon.Id, SigUsr2);
        RunHarness.WaitFor(() => File.Exists(dump), TimeSpan.FromSeconds(30), "the signalled dump");
        Assert.Equal(["signal 1"], RunHarness.LoadDump(dump).Snapshots.Select(s => s.Description));
        RunHarness.Signal(pid, SigUsr2);
        RunHarness.WaitFor(() => RunHarness.LoadDump(dump).Snapshots.Count == 2, TimeSpan.FromSeconds(30), "the second signalled dump");

        // SIGTERM to heapmon is passed on; the program ends by it, and its outputs are written as it goes.
        RunHarness.Signal(heapmon.Id, SigTerm);
        Assert.True(heapmon.WaitForExit(30_000));
        Assert.Equal(128 + SigTerm, heapmon.ExitCode);
        Assert.Equal(["signal 1", "signal 2", "SIGTERM"], RunHarness.LoadDump(dump).Snapshots.Select(s => s.Description));
    }

    private static int ReadyPid(Process heapmon)
    {
        Task<string?> line = heapmon.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(60)) || line.Result is not { } ready || !ready.StartsWith("ready ", StringComparison.Ordinal))
        {
            heapmon.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the workload never said it was ready: " + heapmon.StandardError.ReadToEnd());
        }
        return int.Parse(ready["ready ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
