namespace Heapmon.StartupHook.Session;

/// <summary>Chooses the library backend for a session.</summary>
internal static class BackendFactory
{
    /// <summary>A running program's profiler: periodic snapshots keep full walks within their share of the time and a small no-GC budget (the exit snapshot is exact).</summary>
    public static IProfilerBackend Create(RunOptions options) => new LibraryBackend(Tracking.ClassTrackerOptions.Profiler);
}
