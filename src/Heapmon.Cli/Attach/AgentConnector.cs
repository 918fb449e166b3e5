using System.Diagnostics;
using System.Net.Sockets;
using Heapmon.Channel;
using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Cli.Attach;

/// <summary>
/// Reaches the agent in a running process: connects to its socket when it listens (an agent attached
/// before, or a <c>heapmon run</c> session), otherwise loads it with the runtime's ApplyStartupHook
/// command and waits for its socket; then says hello, checking who serves the socket and its version.
/// </summary>
internal static class AgentConnector
{
    /// <summary>How long a freshly loaded agent may take to open its socket (it loads ClrMD and the library first).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Connects to the agent in <paramref name="target"/>, loading it unless <paramref name="load"/> is false.</summary>
    public static AgentClient Open(TargetProcess target, string command, TextWriter error, bool load = true)
    {
        ChannelConnection? connection = TryConnect(target, error);
        if (connection is null)
        {
            if (!load)
                throw new AttachException(AttachExitCode.NoSession,
                    $"{target.Describe} has no Heapmon agent, so no tracking session: start one with heapmon track --pid {target.Pid}, or run the program under heapmon run.");
            target.RequireAgentRuntime();
            Load(target, error);
            connection = WaitForAgent(target);
        }
        return Handshake(target, connection, command);
    }

    private static ChannelConnection? TryConnect(TargetProcess target, TextWriter error)
    {
        if (!File.Exists(target.SocketPath)) return null;
        try
        {
            return Connect(target.SocketPath);
        }
        catch (SocketException e) when (StaleSockets.IsStale(e))
        {
            StaleSockets.Remove(target.ChannelDirectory);
            error.WriteLine($"heapmon: removed a stale socket that no agent served ({target.SocketPath})");
            return null;
        }
    }

    private static ChannelConnection Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new ChannelConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Load(TargetProcess target, TextWriter error)
    {
        string hook = AgentFiles.HookPathFor(target, error);
        if (target.Runtime.AgentPath is { } loaded && loaded != hook)
            throw new AttachException(AttachExitCode.VersionMismatch,
                $"{target.Describe} has the agent of another heapmon loaded ({loaded}); a process keeps the first agent it loads until it exits: use that heapmon with it.");
        error.WriteLine($"heapmon: loading the agent into {target.Describe}");
        try
        {
            new DiagnosticsClient(target.Pid).ApplyStartupHook(hook);
        }
        catch (ServerNotAvailableException)
        {
            throw target.NoDiagnosticsPort();
        }
        catch (Exception e) when (e is UnsupportedCommandException or ServerErrorException)
        {
            throw new AttachException(AttachExitCode.HooksUnsupported,
                $"{target.Describe} cannot load a startup hook ({e.Message.ReplaceLineEndings(" ")}): Native AOT and Mono apps, and apps built with StartupHookSupport=false, cannot be attached to.");
        }
        // The runtime runs the hook before it answers: no Heapmon hook mapped now means it ignored it.
        if (ReadAgentPath(target) is null)
            throw new AttachException(AttachExitCode.HooksUnsupported,
                $"{target.Describe} ignored the startup hook: startup hooks are disabled in it (System.StartupHookProvider.IsSupported=false, StartupHookSupport=false when built).");
    }

    private static string? ReadAgentPath(TargetProcess target)
    {
        try { return RuntimeInfo.FromMaps(File.ReadLines($"/proc/{target.Pid}/maps"), target.Root).AgentPath; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static ChannelConnection WaitForAgent(TargetProcess target)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (!TargetProcess.IsAlive(target.Pid))
                throw new AttachException(AttachExitCode.TargetExited, $"{target.Describe} exited during the command.");
            if (File.Exists(target.SocketPath))
            {
                try { return Connect(target.SocketPath); }
                catch (SocketException) { /* bound but not listening yet */ }
            }
            Thread.Sleep(25);
        }
        throw new AttachException(AttachExitCode.AgentNotAnswering,
            $"the agent was loaded into {target.Describe} but did not open {target.SocketPath} within {StartTimeout.TotalSeconds:0} s.");
    }

    private static AgentClient Handshake(TargetProcess target, ChannelConnection connection, string command)
    {
        try
        {
            // Only the process itself may serve its socket: never talk to a socket someone else put there.
            PeerCredentials peer = connection.Peer;
            if (peer.UserId != target.UserId || (peer.ProcessId != 0 && peer.ProcessId != target.Pid))
                throw new AttachException(AttachExitCode.AgentNotAnswering,
                    $"{target.SocketPath} is served by pid {peer.ProcessId} (uid {peer.UserId}), not by {target.Describe}; heapmon will not talk to it.");
            connection.Socket.ReceiveTimeout = (int)StartTimeout.TotalMilliseconds;
            connection.Send(ChannelProtocol.Hello(command));
            ChannelMessage? reply = connection.Receive();
            connection.Socket.ReceiveTimeout = 0;
            return reply switch
            {
                WelcomeResponse welcome when welcome.HeapmonVersion == ChannelProtocol.HeapmonVersion => new AgentClient(target, connection, welcome),
                WelcomeResponse welcome => throw new AttachException(AttachExitCode.VersionMismatch,
                    $"{target.Describe} has the agent of Heapmon {welcome.HeapmonVersion} loaded and this is Heapmon {ChannelProtocol.HeapmonVersion}: use heapmon {welcome.HeapmonVersion} with it."),
                FailedResponse failed => throw AgentClient.Refusal(failed),
                _ => throw (TargetProcess.HasExited(target.Pid)
                    ? new AttachException(AttachExitCode.TargetExited, $"{target.Describe} exited during the command.")
                    : new AttachException(AttachExitCode.AgentNotAnswering, $"the agent in {target.Describe} closed the connection without a welcome.")),
            };
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
        {
            connection.Dispose();
            throw !TargetProcess.HasExited(target.Pid)
                ? new AttachException(AttachExitCode.AgentNotAnswering, $"the agent in {target.Describe} did not say hello ({e.Message}).")
                : new AttachException(AttachExitCode.TargetExited, $"{target.Describe} exited during the command.");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
