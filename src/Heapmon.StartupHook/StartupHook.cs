using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using Heapmon.StartupHook;

/// <summary>
/// The runtime's startup hook (named by <c>DOTNET_STARTUP_HOOKS</c>): profiles an unmodified program
/// when <c>HEAPMON_*</c> variables configure it, and does nothing otherwise.
/// </summary>
/// <remarks>The runtime's contract: a type named <c>StartupHook</c> in no namespace with <c>public static void Initialize()</c>.</remarks>
internal static class StartupHook
{
    /// <summary>Called by the runtime before <c>Main</c>.</summary>
    public static void Initialize()
    {
        // Not configured: a handful of getenv calls, nothing loaded, nothing started.
        Dictionary<string, string>? variables = HookEnvironment.Read();
        if (variables is null) return;
        Activate(variables);
    }

    // Kept apart so that compiling Initialize needs no more than the runtime's core: an unconfigured
    // run never loads even the load-context assembly.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Activate(Dictionary<string, string> variables)
    {
        try
        {
            HookEnvironment.MarkLoaded(variables);
            // Only the process heapmon launched is profiled: its own children (MSBuild nodes, compiler
            // servers, a program started by `dotnet run`) inherit neither the hook nor its settings.
            HookEnvironment.RemoveFromInheritedEnvironment(typeof(StartupHook).Assembly.Location);
            string directory = Path.GetDirectoryName(typeof(StartupHook).Assembly.Location)!;
            var context = new HookLoadContext(directory);
            Assembly session = context.LoadFromAssemblyPath(Path.Combine(directory, HookLoadContext.SessionAssembly + ".dll"));
            MethodInfo start = session.GetType(HookLoadContext.SessionEntryType, throwOnError: true)!
                .GetMethod("Start", BindingFlags.Public | BindingFlags.Static)!;
            start.Invoke(null, [variables]);
        }
        catch (Exception e)
        {
            // A profiler never stops the program it measures: say why and let it run unprofiled.
            Exception cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            Console.Error.WriteLine($"heapmon: error: profiling is off for this run: {cause.Message}");
        }
    }
}
