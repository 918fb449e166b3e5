using Heapmon.StartupHook.Session.Agent;

namespace Heapmon.StartupHook.Session;

/// <summary>Where the hook's bootstrap enters the session, by reflection, across the load-context boundary.</summary>
public static class SessionEntry
{
    private static ProfilerSession? s_session;

    /// <summary>Starts profiling this process as the <c>HEAPMON_*</c> <paramref name="variables"/> ask; never throws.</summary>
    public static void Start(IReadOnlyDictionary<string, string> variables)
    {
        WarnAboutUnknownVariables();
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

    /// <summary>
    /// Serves an attach (<c>heapmon census/track/garbage --pid</c>) on the calling thread, which the bootstrap
    /// started for it, until the client detaches; never throws, and writes nothing to the program's streams.
    /// </summary>
    public static void Attach()
    {
        try { ChannelAgent.RunAttached(); }
        catch (Exception) { /* nothing to say in the target: the CLI reports that the agent did not answer */ }
    }

    /// <summary>A misspelt variable (HEAPMON_TRAK) would silently do nothing: say so, with the nearest known name.</summary>
    private static void WarnAboutUnknownVariables()
    {
        foreach (string name in Environment.GetEnvironmentVariables().Keys.OfType<string>())
        {
            if (!name.StartsWith("HEAPMON_", StringComparison.Ordinal) || RunOptions.VariableNames.Contains(name)) continue;
            string nearest = RunOptions.VariableNames.MinBy(known => Spelling.EditDistance(name, known))!;
            SessionLog.Warning($"unknown variable {name} is ignored (did you mean {nearest}?)");
        }
    }
}
