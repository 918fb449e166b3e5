using System.Runtime.InteropServices;

namespace Heapmon.Metrics;

/// <summary>
/// The calling thread's CPU time, from the kernel (clock_gettime with CLOCK_THREAD_CPUTIME_ID, a vDSO call of
/// tens of nanoseconds): what a snapshot costs the process, apart from the time it waited. Zero where not Linux.
/// </summary>
internal static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>CPU time of the calling thread so far, in nanoseconds; 0 where it cannot be read.</summary>
    public static long Now()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        TimeSpec time;
        unsafe
        {
            return ClockGetTime(ClockThreadCpuTimeId, &time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : 0;
        }
    }

    /// <summary>The CPU time between two readings of <see cref="Now"/>.</summary>
    public static TimeSpan Between(long start, long end) => end > start ? TimeSpan.FromTicks((end - start) / 100) : TimeSpan.Zero;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // A blittable pointer and no GC transition: the call costs what the vDSO costs.
    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvSuppressGCTransition)])]
    private static unsafe partial int ClockGetTime(int clock, TimeSpec* time);
}
