using System.Diagnostics;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Heapmon.StartupHook.Session;

/// <summary>
/// Starts a command under the startup hook for `heapmon run`: the child shares our stdin, stdout and
/// stderr, gets the hook and the <c>HEAPMON_*</c> variables, and its exit code becomes ours.
/// </summary>
internal static partial class Launcher
{
    /// <summary>Exit code when the command cannot be started, as shells use.</summary>
    public const int CommandNotFound = 127;

    /// <summary>The hook assembly shipped next to Heapmon (the CLI's folder).</summary>
    public static string DefaultHookPath => Path.Combine(AppContext.BaseDirectory, "Heapmon.StartupHook.dll");

    /// <summary>Checks that the hook and its session are where <paramref name="hookPath"/> says.</summary>
    public static void CheckHook(string hookPath)
    {
        string session = Path.Combine(Path.GetDirectoryName(hookPath)!, "Heapmon.StartupHook.Session.dll");
        if (!File.Exists(hookPath) || !File.Exists(session))
            throw new IOException($"the startup hook is missing: expected {hookPath} and {session} (reinstall heapmon).");
    }

    /// <summary>The process to start: an app's .dll runs under the dotnet host, anything else as given; the hook creates <paramref name="loadedMarker"/> when it loads.</summary>
    public static ProcessStartInfo CreateStartInfo(IReadOnlyList<string> command, RunOptions options, string hookPath, string? loadedMarker = null)
    {
        bool dll = command[0].EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(dll ? DotnetHost : command[0]) { UseShellExecute = false };
        if (dll) { info.ArgumentList.Add("exec"); info.ArgumentList.Add(command[0]); }
        foreach (string argument in command.Skip(1)) info.ArgumentList.Add(argument);

        string? hooks = info.Environment.TryGetValue("DOTNET_STARTUP_HOOKS", out string? existing) ? existing : null;
        info.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(hooks) ? hookPath : hooks + Path.PathSeparator + hookPath;
        foreach (string name in RunOptions.VariableNames) info.Environment.Remove(name);
        foreach ((string name, string value) in options.ToEnvironment()) info.Environment[name] = value;
        if (loadedMarker is not null) info.Environment[RunOptions.LoadedMarkerVariable] = loadedMarker;
        return info;
    }

    /// <summary>
    /// Runs the child to its end and returns its exit code (128 + signal when a signal ended it);
    /// <paramref name="started"/> runs once it has started, with signals already passed on to it.
    /// </summary>
    public static int Run(ProcessStartInfo info, TextWriter error, bool forwardSnapshotSignal, Action<Process>? started = null)
    {
        Process child;
        try
        {
            child = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            error.WriteLine($"heapmon: error: cannot start '{info.FileName}': {e.Message}");
            return CommandNotFound;
        }
        using (child)
        using (SignalRelay.Create(child.Id, forwardSnapshotSignal))
        {
            started?.Invoke(child);
            child.WaitForExit();
            return child.ExitCode;
        }
    }

    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
