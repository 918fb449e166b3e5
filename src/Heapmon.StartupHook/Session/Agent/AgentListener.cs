using System.Net.Sockets;
using System.Runtime.InteropServices;
using Heapmon.Channel;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>
/// The agent's listening socket: <c>$TMPDIR/heapmon-PID/agent.sock</c> in a folder created 0700 by
/// this process (a folder someone else left there is removed first, or the agent does not start),
/// the socket itself 0600. Disposing closes it and removes both.
/// </summary>
internal sealed partial class AgentListener : IDisposable
{
    private const uint OwnerOnly = 0x1C0; // 0700

    private AgentListener(string directory, string socketPath, Socket socket)
    {
        Directory = directory;
        SocketPath = socketPath;
        Socket = socket;
    }

    /// <summary>The agent's private folder (the socket, and transient data files, live here).</summary>
    public string Directory { get; }

    /// <summary>The socket's path.</summary>
    public string SocketPath { get; }

    /// <summary>The listening socket.</summary>
    public Socket Socket { get; }

    /// <summary>Creates the folder and the socket for this process; throws <see cref="IOException"/> when it cannot do so safely.</summary>
    public static AgentListener Open()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the agent's channel is a Unix domain socket: Linux only.");
        string temp = Path.GetTempPath();
        int pid = Environment.ProcessId;
        string directory = ChannelPaths.Directory(temp, pid), socketPath = ChannelPaths.Socket(temp, pid);
        if (socketPath.Length > ChannelPaths.MaxSocketPath)
            throw new IOException($"the socket path {socketPath} is longer than a Unix socket allows; set a shorter TMPDIR");
        CreatePrivateDirectory(directory);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // The folder is 0700 already, so nobody else can reach the socket between bind and chmod.
            socket.Bind(new UnixDomainSocketEndPoint(socketPath));
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(8);
            return new AgentListener(directory, socketPath, socket);
        }
        catch
        {
            socket.Dispose();
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>
    /// mkdir with 0700, failing if the name exists: a folder left by a killed process with the same pid
    /// (or planted by someone else) is removed and made anew by us, never reused as found.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreatePrivateDirectory(string directory)
    {
        if (MakeDirectory(directory, OwnerOnly) == 0) return;
        int error = Marshal.GetLastPInvokeError();
        const int AlreadyExists = 17;
        if (error != AlreadyExists) throw new IOException($"cannot create {directory} (errno {error})");
        TryDelete(directory);
        if (MakeDirectory(directory, OwnerOnly) != 0)
            throw new IOException($"{directory} exists and cannot be replaced (errno {Marshal.GetLastPInvokeError()})");
        // umask can only take bits away from 0700, but say it outright.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* reported by the mkdir that follows */ }
    }

    [LibraryImport("libc", EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeDirectory(string path, uint mode);

    public void Dispose()
    {
        Socket.Dispose();
        TryDelete(Directory);
    }
}
