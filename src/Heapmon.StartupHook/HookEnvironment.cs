using System;
using System.Collections.Generic;
using System.IO;

namespace Heapmon.StartupHook;

/// <summary>Reads the <c>HEAPMON_*</c> variables without loading anything, and hides them from child processes.</summary>
internal static class HookEnvironment
{
    /// <summary>Every variable the session understands (docs/run.md); a test keeps this list equal to the session's.</summary>
    public static readonly string[] Names =
    [
        "HEAPMON_TRACK", "HEAPMON_RESOLUTION", "HEAPMON_TRACE", "HEAPMON_SNAPSHOT_AT", "HEAPMON_INTERVAL",
        "HEAPMON_SNAPSHOT_ON_SIGNAL", "HEAPMON_ALLOC", "HEAPMON_TRACEBACK_LIMIT", "HEAPMON_OUTPUT", "HEAPMON_GARBAGE",
        "HEAPMON_QUIET", "HEAPMON_LOADED_MARKER", "HEAPMON_DIAGNOSTIC_PORT",
    ];

    /// <summary>The variables that are set, or null when none is (the hook then does nothing).</summary>
    public static Dictionary<string, string>? Read()
    {
        Dictionary<string, string>? set = null;
        foreach (string name in Names)
            if (Environment.GetEnvironmentVariable(name) is { } value)
                (set ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
        return set;
    }

    /// <summary>Tells `heapmon run` the hook loaded: it creates the file HEAPMON_LOADED_MARKER names, and warns when none appears.</summary>
    public static void MarkLoaded(Dictionary<string, string> variables)
    {
        if (!variables.TryGetValue("HEAPMON_LOADED_MARKER", out string? path) || path.Length == 0) return;
        try { File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* heapmon then warns that nothing was profiled */ }
    }

    /// <summary>Removes the settings and this hook from the environment that processes started from here inherit.</summary>
    public static void RemoveFromInheritedEnvironment(string hookPath)
    {
        // heapmon's diagnostic port (heapmon run --alloc) serves this process only: a child that inherited it would wait on it at startup.
        if (Environment.GetEnvironmentVariable("HEAPMON_DIAGNOSTIC_PORT") is { Length: > 0 } port) RemoveDiagnosticPort(port);
        foreach (string name in Names) Environment.SetEnvironmentVariable(name, null);
        string? hooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
        if (hooks is null) return;
        var rest = new List<string>();
        foreach (string entry in hooks.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (!string.Equals(Path.GetFullPath(entry), hookPath, StringComparison.Ordinal)) rest.Add(entry);
        Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", rest.Count == 0 ? null : string.Join(Path.PathSeparator, rest));
    }

    /// <summary>Removes the entries naming <paramref name="port"/> from DOTNET_DiagnosticPorts (entries: <c>address[,connect|listen][,suspend|nosuspend]</c>, separated by ';').</summary>
    private static void RemoveDiagnosticPort(string port)
    {
        string? ports = Environment.GetEnvironmentVariable("DOTNET_DiagnosticPorts");
        if (ports is null) return;
        var rest = new List<string>();
        foreach (string entry in ports.Split(';', StringSplitOptions.RemoveEmptyEntries))
            if (!string.Equals(entry.Split(',')[0], port, StringComparison.Ordinal)) rest.Add(entry);
        Environment.SetEnvironmentVariable("DOTNET_DiagnosticPorts", rest.Count == 0 ? null : string.Join(";", rest));
    }

    /// <summary>
    /// Whether the runtime called the hook at startup because <c>DOTNET_STARTUP_HOOKS</c> (or the app's
    /// STARTUP_HOOKS property) names it; otherwise it was applied to the running process by an attach.
    /// </summary>
    public static bool NamedAtStartup(string hookPath)
    {
        string? hooks = AppContext.GetData("STARTUP_HOOKS") as string ?? Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
        if (hooks is null) return false;
        foreach (string entry in hooks.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (string.Equals(entry, hookPath, StringComparison.Ordinal) || string.Equals(entry, Path.GetFileNameWithoutExtension(hookPath), StringComparison.Ordinal))
                return true;
        return false;
    }
}
