using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Heapmon.StartupHook;

/// <summary>
/// Loads Heapmon and its dependencies (ClrMD, TraceEvent, ...) from the hook's folder, apart from the
/// host's default context: the host may carry its own, different copies of the same packages.
/// </summary>
internal sealed class HookLoadContext(string directory) : AssemblyLoadContext("Heapmon", isCollectible: false)
{
    /// <summary>The assembly holding the profiling session.</summary>
    public const string SessionAssembly = "Heapmon.StartupHook.Session";

    /// <summary>The type whose static <c>Start(IReadOnlyDictionary&lt;string, string&gt;)</c> begins a session and <c>Attach()</c> serves an attach.</summary>
    public const string SessionEntryType = "Heapmon.StartupHook.Session.SessionEntry";

    private static readonly object s_gate = new();
    private static HookLoadContext? s_context;

    /// <summary>
    /// Calls the session's static <paramref name="method"/> (<c>Start</c> for <c>heapmon run</c>, <c>Attach</c> for an
    /// attach) in the one context of this process, created on first use: the agent's assemblies load once,
    /// whatever the number of attaches.
    /// </summary>
    public static void EnterSession(string method, params object[] arguments)
    {
        HookLoadContext context;
        lock (s_gate)
        {
            if (s_context is null)
            {
                string directory = Path.GetDirectoryName(typeof(HookLoadContext).Assembly.Location)!;
                s_context = new HookLoadContext(directory);
            }
            context = s_context;
        }
        Assembly session = context.LoadFromAssemblyPath(Path.Combine(context.Directory, SessionAssembly + ".dll"));
        MethodInfo entry = session.GetType(SessionEntryType, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
        entry.Invoke(null, arguments);
    }

    private static readonly string s_frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    /// <summary>The folder the context loads from.</summary>
    public string Directory { get; } = directory;

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is null) return null;
        // The shared framework stays shared: System.Type and friends must be one type on both sides,
        // since the session is handed the host's types to track.
        if (File.Exists(Path.Combine(s_frameworkDirectory, name.Name + ".dll"))) return null;
        string path = Path.Combine(Directory, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string path = Path.Combine(Directory, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
