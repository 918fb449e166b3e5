namespace Heapmon.StartupHook.Session;

/// <summary>Where the hook's bootstrap enters the session, by reflection, across the load-context boundary.</summary>
public static class SessionEntry
{
    private static ProfilerSession? s_session;

    /// <summary>Starts profiling this process as the <c>HEAPMON_*</c> <paramref name="variables"/> ask; never throws.</summary>
    public static void Start(IReadOnlyDictionary<string, string> variables)
    {
        RunOptions options;
        try
        {
            options = RunOptions.FromEnvironment(variables);
        }
        catch (ArgumentException e)
        {
            SessionLog.Error($"{e.Message} Profiling is off for this run.");
            return;
        }
        s_session = new ProfilerSession(options, BackendFactory.Create(options));
        s_session.Start();
    }
}
