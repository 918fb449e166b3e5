using System.Net.Sockets;
using Heapmon.Channel;

namespace Heapmon.Cli.Attach;

/// <summary>
/// An agent removes its socket when it detaches and when its process exits; a process that was killed
/// (SIGKILL) leaves it behind. Such a socket answers nobody: heapmon removes it when it finds one.
/// </summary>
internal static class StaleSockets
{
    /// <summary>For a pid that no longer exists: removes the folder its agent left, and says so with its own exit code.</summary>
    public static void ThrowIfLeftBy(int pid)
    {
        string directory = ChannelPaths.Directory(Path.GetTempPath(), pid);
        if (!Directory.Exists(directory)) return;
        Remove(directory);
        throw new AttachException(AttachExitCode.StaleSocket,
            $"no process has pid {pid}; it was killed while Heapmon's agent was loaded, and the socket it left ({ChannelPaths.Socket(Path.GetTempPath(), pid)}) has been removed.");
    }

    /// <summary>Whether a connect failed because nobody listens on the socket any more.</summary>
    public static bool IsStale(SocketException e) => e.SocketErrorCode is SocketError.ConnectionRefused;

    /// <summary>Removes a stale agent folder; quietly leaves one it may not remove (another user's).</summary>
    public static void Remove(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the next attach replaces it */ }
    }
}
