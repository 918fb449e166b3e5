namespace Heapmon.StartupHook.Session;

/// <summary>Heapmon's own messages in a hooked process: one line each on stderr, prefixed <c>heapmon:</c>, so they never mix with the program's stdout.</summary>
internal static class SessionLog
{
    public static void Info(string message) => Write(message);

    public static void Warning(string message) => Write("warning: " + message);

    public static void Error(string message) => Write("error: " + message);

    private static void Write(string message)
    {
        try { Console.Error.WriteLine("heapmon: " + message); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { /* stderr closed: nothing to tell */ }
    }
}
