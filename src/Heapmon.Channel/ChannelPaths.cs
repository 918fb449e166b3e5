namespace Heapmon.Channel;

/// <summary>
/// Where an agent listens: <c>$TMPDIR/heapmon-PID/agent.sock</c>, PID being the process's own pid, in a
/// folder only its user may enter (0700) and a socket only its user may open (0600).
/// </summary>
internal static class ChannelPaths
{
    /// <summary>The socket's file name in the agent's folder.</summary>
    public const string SocketName = "agent.sock";

    /// <summary>The prefix of the agent's folder name.</summary>
    public const string DirectoryPrefix = "heapmon-";

    /// <summary>Unix domain socket paths are limited to 107 bytes (sun_path).</summary>
    public const int MaxSocketPath = 107;

    /// <summary>The agent's folder for process <paramref name="pid"/> (its own pid) under <paramref name="tempDirectory"/>.</summary>
    public static string Directory(string tempDirectory, int pid) => Path.Combine(tempDirectory, DirectoryPrefix + pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The agent's socket for process <paramref name="pid"/> under <paramref name="tempDirectory"/>.</summary>
    public static string Socket(string tempDirectory, int pid) => Path.Combine(Directory(tempDirectory, pid), SocketName);
}
