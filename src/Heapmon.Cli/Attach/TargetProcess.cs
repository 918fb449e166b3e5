using System.Globalization;
using Heapmon.Channel;

namespace Heapmon.Cli.Attach;

/// <summary>
/// A running process as /proc shows it, read before anything is sent to it: who owns it, what it runs,
/// its own pid (in its pid namespace), where its file system and temporary folder are from our side.
/// </summary>
/// <param name="Pid">The pid as we see it.</param>
/// <param name="OwnPid">The pid as the process sees itself (the last NSpid entry: differs inside a container).</param>
/// <param name="UserId">Its effective uid.</param>
/// <param name="Name">Its name: the app's .dll for `dotnet app.dll`, else the executable's.</param>
/// <param name="CommandLine">Its command line.</param>
/// <param name="Root">Prefix to reach its files from here: empty in our mount namespace, <c>/proc/PID/root</c> in another.</param>
/// <param name="TempDirectory">Its temporary folder in its own view (TMPDIR or /tmp).</param>
/// <param name="Runtime">Its runtime, from the files it has mapped.</param>
internal sealed record TargetProcess(int Pid, int OwnPid, uint UserId, string Name, string CommandLine, string Root, string TempDirectory, RuntimeInfo Runtime)
{
    /// <summary>The .NET version the agent is built for.</summary>
    public const int AgentRuntimeMajor = 10;

    /// <summary>"process 1234 (MyApp, .NET 10.0.1)".</summary>
    public string Describe => $"process {Pid} ({Name}, {Runtime.Display})";

    /// <summary>The agent's socket, from our side.</summary>
    public string SocketPath => Root + ChannelPaths.Socket(TempDirectory, OwnPid);

    /// <summary>The agent's folder, from our side.</summary>
    public string ChannelDirectory => Root + ChannelPaths.Directory(TempDirectory, OwnPid);

    /// <summary>The error when the process's diagnostics port does not answer: a .NET process with diagnostics off, or not .NET at all.</summary>
    public AttachException NoDiagnosticsPort() => Runtime.Kind == RuntimeKind.CoreClr
        ? new AttachException(AttachExitCode.NotDotnet, $"{Describe} does not answer on its diagnostics port (is DOTNET_EnableDiagnostics=0 set, or TMPDIR different?).")
        : new AttachException(AttachExitCode.NotDotnet, $"process {Pid} ({Name}) is not a .NET process (no .NET runtime and no diagnostics port).");

    /// <summary>The error when process <paramref name="pid"/> went away while heapmon read it.</summary>
    public static AttachException ExitedWhileLooking(int pid) =>
        new(AttachExitCode.TargetExited, $"process {pid} exited while heapmon was looking at it.");

    /// <summary>Reads the process from /proc; throws <see cref="AttachException"/> when it does not exist or is another user's.</summary>
    public static TargetProcess Probe(int pid)
    {
        if (pid <= 0) throw new CliUsageException($"--pid must be a process id, not {pid}.");
        string proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        string[] status;
        try
        {
            status = File.ReadAllLines(proc + "/status");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            StaleSockets.ThrowIfLeftBy(pid);
            throw new AttachException(AttachExitCode.NoSuchProcess, $"no process has pid {pid}.");
        }
        uint uid = uint.Parse(Field(status, "Uid:")[1], CultureInfo.InvariantCulture);
        uint self = PeerCredentials.EffectiveUserId;
        if (uid != self)
            throw new AttachException(AttachExitCode.AnotherUser,
                $"process {pid} belongs to uid {uid} and heapmon runs as uid {self}: only the process's own user may attach (run heapmon as that user, e.g. sudo -u '#{uid}' heapmon ...).");
        string[] nspid = Field(status, "NSpid:");
        int ownPid = nspid.Length > 0 ? int.Parse(nspid[^1], CultureInfo.InvariantCulture) : pid;
        string root = SameMountNamespace(proc) ? "" : proc + "/root";
        try
        {
            string commandLine = File.ReadAllText(proc + "/cmdline").Replace('\0', ' ').Trim();
            RuntimeInfo runtime = RuntimeInfo.FromMaps(File.ReadLines(proc + "/maps"), root);
            string name = NameOf(commandLine, Field(status, "Name:").FirstOrDefault() ?? "?");
            return new TargetProcess(pid, ownPid, uid, name, commandLine, root, TempDirectoryOf(proc), runtime);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException && !Directory.Exists(proc))
        {
            throw ExitedWhileLooking(pid);
        }
    }

    /// <summary>Whether the process is still there (and not a zombie waiting for its parent).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Whether the process is gone, giving it a moment: a closed socket comes a little before the process's end.</summary>
    public static bool HasExited(int pid)
    {
        for (int i = 0; i < 20; i++)
        {
            if (!IsAlive(pid)) return true;
            Thread.Sleep(50);
        }
        return false;
    }

    /// <summary>Throws the right error when the process can never load the agent: not .NET, too old, Mono.</summary>
    public void RequireAgentRuntime()
    {
        switch (Runtime.Kind)
        {
            case RuntimeKind.Mono:
                throw new AttachException(AttachExitCode.HooksUnsupported, $"process {Pid} ({Name}) runs on Mono, which cannot load a startup hook into a running process.");
            case RuntimeKind.CoreClr when Runtime.Version is { } v && v.Major < AgentRuntimeMajor:
                throw new AttachException(AttachExitCode.RuntimeTooOld,
                    $"process {Pid} ({Name}) runs .NET {v}: heapmon attaches to .NET {AgentRuntimeMajor} or later" +
                    (v.Major < 8 ? " (loading a startup hook into a running process needs .NET 8, and Heapmon's agent is built for .NET 10)." : " (Heapmon's agent is built for .NET 10)."));
        }
    }

    private static string[] Field(string[] status, string key)
    {
        string? line = status.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? [] : line[key.Length..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
    }

    private static bool SameMountNamespace(string proc)
    {
        try
        {
            return new FileInfo(proc + "/ns/mnt").LinkTarget == new FileInfo("/proc/self/ns/mnt").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
    }

    /// <summary>TMPDIR as the process was started with it (the runtime's diagnostics socket and our agent's live there), else /tmp.</summary>
    private static string TempDirectoryOf(string proc)
    {
        try
        {
            foreach (string variable in File.ReadAllText(proc + "/environ").Split('\0'))
                if (variable.StartsWith("TMPDIR=", StringComparison.Ordinal) && variable.Length > 7) return variable[7..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the default, as the runtime */ }
        return "/tmp/";
    }

    private static string NameOf(string commandLine, string executable)
    {
        // `dotnet app.dll` and `dotnet exec app.dll`: the app, not the host.
        string[] words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? dll = words.Skip(1).FirstOrDefault(w => w.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        return executable == "dotnet" && dll is not null ? Path.GetFileNameWithoutExtension(dll) : executable;
    }
}
