using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Sampling;

/// <summary>
/// Allocation sampling of another process, the way dotnet-trace records it: the target's runtime only
/// writes the events; this process reads them, and resolves type names, stacks and file:line (from the
/// target's own PDBs) with the same reader and resolver as a session to ourselves. The samples stay here.
/// </summary>
internal sealed class ProcessSampler : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly SampleCollector _collector;
    private readonly NetTraceReader _reader;
    private readonly Thread _thread;
    private Exception? _readerFailure;
    private bool _stopped;

    private ProcessSampler(DiagnosticsClient client, SamplerSettings settings, string root, bool rundown)
    {
        _collector = new SampleCollector(Store, settings, expectRundown: rundown, root);
        // Started first, so nothing compiled between the two is missed: the rundown lists everything up to its end.
        _session = client.StartEventPipeSession(SessionSetup.Providers(flushMarkers: false), requestRundown: false, circularBufferMB: settings.BufferSizeMB);
        try
        {
            _reader = new NetTraceReader(_session.EventStream, _collector);
            _thread = SessionSetup.StartReader(_reader, _session.EventStream, _collector, excludeOwnThread: false, e => _readerFailure = e);
            if (!rundown) return;
            JitLineMap listed = new();
            try
            {
                listed = SessionSetup.ReadRundown(client);
            }
            finally
            {
                _collector.ProvideRundown(listed);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts sampling a running process: the session first, then a rundown of the code it compiled before,
    /// so no method falls between the two. <paramref name="root"/> reaches its files (<c>/proc/PID/root</c> in another mount namespace).
    /// </summary>
    /// <exception cref="ServerNotAvailableException">The process has no diagnostics port we can reach.</exception>
    public static ProcessSampler Attach(int pid, SamplerSettings settings, string root = "") => new(new DiagnosticsClient(pid), settings, root, rundown: true);

    /// <summary>
    /// Starts sampling a process paused at startup (its diagnostic port set to suspend); the caller resumes it.
    /// The rundown still runs: the runtime loaded its core library before it paused, and that load is in no event.
    /// </summary>
    public static ProcessSampler AtStartup(DiagnosticsClient client, SamplerSettings settings) => new(client, settings, "", rundown: true);

    /// <summary>The samples read so far (settled ones; all of them once <see cref="HasEnded"/>).</summary>
    public SampleStore Store { get; } = new();

    /// <summary>The process's pid as its runtime reports it (0 until the trace header is read).</summary>
    public int ProcessId => _collector.ProcessId;

    /// <summary>True once the stream has ended (the process exited or the session was stopped) and every sample is in <see cref="Store"/>.</summary>
    public bool HasEnded => _collector.Ended;

    /// <summary>Why the reader stopped early, if it did.</summary>
    public Exception? ReaderFailure => _readerFailure;

    /// <summary>Events the target's runtime dropped because its buffer filled.</summary>
    public long LostEvents => _reader?.LostEvents ?? 0;

    /// <summary>Samples left out as Heapmon's own (the agent's work in a process run under heapmon).</summary>
    public long OwnSamples => _collector.OwnSamples;

    /// <summary>GCs that started during the session, by generation.</summary>
    public IReadOnlyList<int> GcCounts => _collector.GcCounts;

    /// <summary>Waits up to <paramref name="timeout"/> for the stream to end.</summary>
    public bool WaitForEnd(TimeSpan timeout) => _thread?.Join(timeout) ?? true;

    /// <summary>Stops the session (the runtime flushes what it holds, then ends the stream) and waits for the last samples.</summary>
    public void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        if (_session is not null) SessionSetup.Stop(_session, TimeSpan.FromSeconds(30));
        WaitForEnd(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (_thread is { IsAlive: true }) Stop();
        _session?.Dispose();
        _collector.Dispose();
        Store.Dispose();
    }
}
