using System.Diagnostics;
using System.Runtime.InteropServices;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Run;

/// <summary>Runs `heapmon run` in child processes over the Workload sample and reads back what it wrote.</summary>
internal static partial class RunHarness
{
    public static string Workload => TestPaths.Assembly("Workload");

    public static string Cli => TestPaths.Assembly("Heapmon.Cli");

    /// <summary>`heapmon ARGS` to its end, with stdin text if given.</summary>
    public static ChildResult Heapmon(IEnumerable<string> args, string? stdin = null, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        ChildProcess.Run(ChildProcess.DotnetHost, ["exec", Cli, .. args], environment, stdin: stdin, timeout: timeout ?? TimeSpan.FromMinutes(2));

    /// <summary>`heapmon ARGS` started in the background, stdout and stderr redirected.</summary>
    public static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(ChildProcess.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Cli);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        return Process.Start(info)!;
    }

    /// <summary>Reads a stats dump written by `heapmon run`.</summary>
    public static TrackerData LoadDump(string path) => global::Heapmon.Stats.TrackerStats.Load(path).Data;

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
