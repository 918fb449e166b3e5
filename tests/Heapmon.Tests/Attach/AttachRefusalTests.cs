using System.Diagnostics;
using System.Net.Sockets;
using Heapmon.Channel;
using Heapmon.Cli.Attach;
using Heapmon.Tests.Run;

namespace Heapmon.Tests.Attach;

/// <summary>Each process heapmon cannot or may not reach gets one line and an exit code of its own (docs/attach.md).</summary>
[Collection(AttachCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AttachRefusalTests
{
    private static void AssertRefused(ChildResult result, int code, string message)
    {
        Assert.True(result.ExitCode == code, result.ToString());
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("heapmon: error: ", lines[^1]);
        Assert.Contains(message, lines[^1]);
        Assert.Empty(result.StdOut);
    }

    [Fact]
    public void APidThatDoesNotExist()
    {
        int pid = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim()) - 1;
        Assert.False(Directory.Exists($"/proc/{pid}"));
        AssertRefused(AttachHarness.Heapmon("census", "--pid", pid.ToString()), AttachExitCode.NoSuchProcess, $"no process has pid {pid}.");
    }

    [Fact]
    public void AProcessThatIsNotDotnet()
    {
        using RunningProgram sleeper = RunningProgram.Start(["/bin/sh", "-c", "echo ready; exec sleep 60"], "ready");
        AssertRefused(AttachHarness.Heapmon("census", "--pid", sleeper.Pid.ToString()), AttachExitCode.NotDotnet, "is not a .NET process");
    }

    [Fact]
    public void ADotnetOlderThan8()
    {
        // A process whose mapped files say .NET 6: a copy of a harmless library under the shared framework's path for 6.0.36.
        string folder = Path.Combine(TestPaths.NewTempDirectory("attach-old"), "shared", "Microsoft.NETCore.App", "6.0.36");
        Directory.CreateDirectory(folder);
        string library = Directory.EnumerateFiles("/usr/lib/x86_64-linux-gnu", "libm.so.6").Concat(Directory.EnumerateFiles("/lib/x86_64-linux-gnu", "libm.so.6")).First();
        File.Copy(library, Path.Combine(folder, "libcoreclr.so"));
        using RunningProgram old = RunningProgram.Start(["/usr/bin/env", $"LD_PRELOAD={Path.Combine(folder, "libcoreclr.so")}", "/bin/sh", "-c", "echo ready; exec sleep 60"], "ready");
        RunHarness.WaitFor(() => File.ReadAllText($"/proc/{old.Pid}/maps").Contains("6.0.36/libcoreclr.so"), TimeSpan.FromSeconds(10), "the library to be mapped");
        AssertRefused(AttachHarness.Heapmon("census", "--pid", old.Pid.ToString()), AttachExitCode.RuntimeTooOld, "runs .NET 6.0.36: heapmon attaches to .NET 10 or later");
    }

    [Fact]
    public void AProcessWithStartupHooksDisabled()
    {
        string config = Path.Combine(TestPaths.NewTempDirectory("attach-nohooks"), "nohooks.runtimeconfig.json");
        string original = File.ReadAllText(Path.ChangeExtension(TestPaths.Assembly("Heapmon.Tests.Attachee"), ".runtimeconfig.json"));
        File.WriteAllText(config, original.Replace("\"runtimeOptions\": {", "\"runtimeOptions\": {\n    \"configProperties\": { \"System.StartupHookProvider.IsSupported\": false },"));
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "10", "0"], dotnetArgs: ["--runtimeconfig", config]);
        AssertRefused(AttachHarness.Heapmon("census", "--pid", program.Pid.ToString()), AttachExitCode.HooksUnsupported, "startup hooks are disabled");
        program.WaitForMoreLines(1, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void AnotherUsersProcessEitherWay()
    {
        using RunningProgram rootOwned = RunningProgram.StartAttachee(["hold", "10", "0"]);
        AssertRefused(AttachHarness.HeapmonAsNobody("census", "--pid", rootOwned.Pid.ToString()), AttachExitCode.AnotherUser, $"process {rootOwned.Pid} belongs to uid 0");
        using RunningProgram nobodys = RunningProgram.StartAttachee(["hold", "10", "0"], prefix: ["setpriv", .. AttachHarness.AsNobody]);
        AssertRefused(AttachHarness.Heapmon("census", "--pid", nobodys.Pid.ToString()), AttachExitCode.AnotherUser, "only the process's own user may attach");
    }

    [Fact]
    public void ATargetThatExitsDuringACommand()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "100", "3"]);
        using Process track = AttachHarness.Start("track", "--pid", program.Pid.ToString(), "--track", "Attachee.LedgerEntry", "--duration", "60");
        RunHarness.WaitFor(() => File.Exists(Path.Combine(AttachHarness.ChannelDirectory(program.Pid), ChannelPaths.SocketName)), TimeSpan.FromSeconds(30), "the agent");
        Thread.Sleep(2000); // tracking has started
        Assert.Equal(3, program.Quit());
        ChildResult result = AttachHarness.Finish(track, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == AttachExitCode.TargetExited, result.ToString());
        Assert.EndsWith("exited during the command.", result.StdErr.Trim());
    }

    [Fact]
    public void AStaleSocketFromAKilledTargetIsRemovedAndReported()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "100", "0"]);
        int pid = program.Pid;
        using Process track = AttachHarness.Start("track", "--pid", pid.ToString(), "--track", "Attachee.LedgerEntry", "--duration", "60");
        string directory = AttachHarness.ChannelDirectory(pid);
        RunHarness.WaitFor(() => File.Exists(Path.Combine(directory, ChannelPaths.SocketName)), TimeSpan.FromSeconds(30), "the agent");
        program.Kill();
        Assert.Equal(AttachExitCode.TargetExited, AttachHarness.Finish(track, TimeSpan.FromSeconds(30)).ExitCode);
        Assert.True(Directory.Exists(directory)); // SIGKILL leaves the agent no time to clean up

        AssertRefused(AttachHarness.Heapmon("census", "--pid", pid.ToString()), AttachExitCode.StaleSocket, "has been removed");
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void TheChannelIsPrivateBusyForASecondClientAndVersioned()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "500", "0"]);
        string dump = Path.Combine(TestPaths.NewTempDirectory("attach-busy"), "x.json.gz");
        using Process track = AttachHarness.Start("track", "--pid", program.Pid.ToString(), "--track", "Attachee.LedgerEntry", "--duration", "8", "-o", dump);
        string directory = AttachHarness.ChannelDirectory(program.Pid), socket = Path.Combine(directory, ChannelPaths.SocketName);
        RunHarness.WaitFor(() => File.Exists(socket), TimeSpan.FromSeconds(30), "the agent");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));

        // A second client is refused while track is attached; a snapshot of its session is the exception.
        AssertRefused(AttachHarness.Heapmon("census", "--pid", program.Pid.ToString()), AttachExitCode.Busy, "is busy: heapmon track (pid ");
        ChildResult snapshot = AttachHarness.Heapmon("snapshot", "--pid", program.Pid.ToString(), "--label", "midway");
        Assert.True(snapshot.ExitCode == 0, snapshot.ToString());
        Assert.Equal("Attachee.LedgerEntry\t500", string.Join('\t', snapshot.StdOut.Trim().Split('\t').Take(2)));

        // A client of another Heapmon version is told so, by the agent, at its hello.
        using (var raw = Connect(socket))
        {
            raw.Send(ChannelProtocol.Hello("census") with { HeapmonVersion = "0.0.1-other" });
            var refusal = Assert.IsType<FailedResponse>(raw.Receive());
            Assert.Equal(AgentError.VersionMismatch, refusal.Error);
            Assert.Contains("this is Heapmon 0.0.1-other", refusal.Message);
        }

        ChildResult tracked = AttachHarness.Finish(track, TimeSpan.FromMinutes(1));
        Assert.True(tracked.ExitCode == 0, tracked.ToString());
        Assert.Contains("midway", Heapmon.Stats.TrackerStats.Load(dump).Data.Snapshots.Select(s => s.Description));
    }

    [Fact]
    public void AnAgentRefusesAPeerOfAnotherUid()
    {
        // nobody's program with nobody's track attached; root (this test) reaches the socket past the
        // folder's 0700 as only root can, and the agent still refuses it: its uid is not the process's.
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "10", "0"], prefix: ["setpriv", .. AttachHarness.AsNobody]);
        using Process track = Process.Start(new ProcessStartInfo("setpriv", [.. AttachHarness.AsNobody, ChildProcess.DotnetHost, "exec", RunHarness.Cli, "track", "--pid", program.Pid.ToString(), "-t", "LedgerEntry", "--duration", "8"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        string socket = Path.Combine(AttachHarness.ChannelDirectory(program.Pid), ChannelPaths.SocketName);
        RunHarness.WaitFor(() => File.Exists(socket), TimeSpan.FromSeconds(30), "nobody's agent");
        using (var raw = Connect(socket))
        {
            var refusal = Assert.IsType<FailedResponse>(raw.Receive());
            Assert.Equal(AgentError.Forbidden, refusal.Error);
            Assert.Contains("the client runs as uid 0", refusal.Message);
        }
        ChildResult tracked = AttachHarness.Finish(track, TimeSpan.FromMinutes(1));
        Assert.True(tracked.ExitCode == 0, tracked.ToString());
    }

    private static ChannelConnection Connect(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = 10_000;
        return new ChannelConnection(socket);
    }
}
