using System.Runtime.InteropServices;

namespace Heapmon.Heap;

/// <summary>
/// The scheduling priority (Linux nice value) of the calling thread. .NET's <c>Thread.Priority</c> does nothing on
/// Linux, but every thread there is a task of its own, and <c>setpriority</c> on its id lowers it alone, without
/// privileges. A profiler's background work (periodic snapshots) runs lowered, so a busy program keeps its CPU; a
/// lowered thread that makes the GC stop every other thread raises itself back for that moment (<see cref="Normal"/>).
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    [ThreadStatic]
    private static int s_loweredHere;

    /// <summary>
    /// Lowers the calling thread to <paramref name="nice"/> (0 normal, 19 lowest) when it may raise itself back (a
    /// step down by one and back up proves it); does nothing off Linux or when refused.
    /// </summary>
    public static void Lower(int nice)
    {
        // Without the right to raise it again (RLIMIT_NICE), a thread lowered for good would make every GC it runs slower for all.
        if (Set(1) && Set(0) && Set(nice)) s_loweredHere = nice;
    }

    /// <summary>Runs the calling thread at normal priority until disposed, if it was lowered: for work every other thread waits on.</summary>
    public static Scope Normal() => s_loweredHere == 0 ? default : new Scope(Set(0) ? s_loweredHere : 0);

    private static bool Set(int nice)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return setpriority(PrioProcess, gettid(), nice) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Restores the lowered priority when disposed.</summary>
    internal readonly struct Scope(int restore) : IDisposable
    {
        public void Dispose()
        {
            if (restore != 0) Set(restore);
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int gettid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int setpriority(int which, int who, int prio);
}
