using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using Heapmon.StartupHook;

/// <summary>
/// The runtime's startup hook. Named by <c>DOTNET_STARTUP_HOOKS</c> it profiles an unmodified program
/// when <c>HEAPMON_*</c> variables configure it (<c>heapmon run</c>), and does nothing otherwise. Applied
/// to a running process over the diagnostics port (<c>heapmon census/track/garbage --pid</c>), it starts
/// the agent that serves the heapmon command which applied it.
/// </summary>
/// <remarks>The runtime's contract: a type named <c>StartupHook</c> in no namespace with <c>public static void Initialize()</c>.</remarks>
internal static class StartupHook
{
    private static int s_calls;

    /// <summary>Called by the runtime before <c>Main</c>, and again on every apply to the running process.</summary>
    public static void Initialize()
    {
        // The assembly loads once per process, but every apply calls Initialize again.
        if (Interlocked.Increment(ref s_calls) == 1)
        {
            // Not configured: a handful of getenv calls, nothing loaded, nothing started.
            Dictionary<string, string>? variables = HookEnvironment.Read();
            if (variables is not null)
            {
                Activate(variables);
                return;
            }
            if (HookEnvironment.NamedAtStartup(typeof(StartupHook).Assembly.Location)) return;
        }
        Attach();
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
            HookLoadContext.EnterSession("Start", variables);
        }
        catch (Exception e)
        {
            // A profiler never stops the program it measures: say why and let it run unprofiled.
            Exception cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            Console.Error.WriteLine($"heapmon: error: profiling is off for this run: {cause.Message}");
        }
    }

    /// <summary>
    /// Runs on the runtime's diagnostics server thread, which must be given back at once: the agent gets
    /// a thread of its own, which ends when the client detaches. Nothing is ever written to the program's
    /// streams; a failure shows as an agent that never answers, which the CLI reports.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Attach()
    {
        try
        {
            new Thread(() =>
            {
                try { HookLoadContext.EnterSession("Attach"); }
                catch (Exception) { /* see above */ }
            })
            { IsBackground = true, Name = "Heapmon agent" }.Start();
        }
        catch (Exception) { /* out of threads: the program comes first */ }
    }
}
