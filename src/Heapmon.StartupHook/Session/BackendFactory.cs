namespace Heapmon.StartupHook.Session;

/// <summary>Chooses the library backend for a session.</summary>
internal static class BackendFactory
{
    public static IProfilerBackend Create(RunOptions options) => new LibraryBackend();
}
