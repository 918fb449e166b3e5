using System.Runtime.InteropServices;
using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Sampling;

/// <summary>
/// The allocation sampler (docs/allocations.md): an EventPipe session to our own process with .NET 10 allocation
/// sampling and stacks, read in real time by one thread of ours with our own nettrace reader (allocation-free per
/// event) and resolved to file:line through our table of JIT-compiled code and portable PDBs. The reader's own
/// samples and those through Heapmon's code are left out. The reader lives until the session stops.
/// </summary>
internal sealed class SamplerSession : IDisposable
{
    // A marker settles only when a later event arrives: in a quiet process, another marker is that event.
    private static readonly TimeSpan s_nudgeEvery = TimeSpan.FromMilliseconds(200);

    private readonly DiagnosticsClient _client = new(Environment.ProcessId);
    private readonly EventPipeSession _session;
    private readonly SampleCollector _collector;
    private readonly NetTraceReader _reader;
    private readonly Thread _thread;
    private Exception? _readerFailure;

    public SamplerSession(SampleStore store, SamplerSettings settings)
    {
        if (IntPtr.Size != 8) throw new PlatformNotSupportedException("The allocation tracer needs a 64-bit process.");
        _collector = new SampleCollector(store, settings, expectRundown: true, runtimeDirectory: RuntimeEnvironment.GetRuntimeDirectory());
        _session = _client.StartEventPipeSession(SessionSetup.Providers(flushMarkers: true), requestRundown: false, circularBufferMB: settings.BufferSizeMB);
        try
        {
            _reader = new NetTraceReader(_session.EventStream, _collector);
            _thread = SessionSetup.StartReader(_reader, _session.EventStream, _collector, excludeOwnThread: true, e => _readerFailure = e);
            JitLineMap rundown = new();
            try
            {
                rundown = SessionSetup.ReadRundown(_client);
            }
            finally
            {
                // Samples wait for the rundown; without one (it failed) they settle with what the session itself saw.
                _collector.ProvideRundown(rundown);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The reader's failure, if it stopped early (the session then records nothing more).</summary>
    public Exception? ReaderFailure => _readerFailure;

    /// <summary>Events the runtime dropped because the reader fell behind its buffer.</summary>
    public long LostEvents => _reader?.LostEvents ?? 0;

    /// <summary>Whether a GC (a gen2 GC with <paramref name="gen2Only"/>) started after the sample stamped <paramref name="timestamp"/>, among GCs read so far.</summary>
    public bool AnyGcSince(long timestamp, bool gen2Only) => _collector.AnyGcSince(timestamp, gen2Only);

    /// <summary>Waits until every sample allocated before this call is in the store (a marker event round trip).</summary>
    public bool Flush(TimeSpan timeout)
    {
        long marker = FlushMarkerSource.Log.Send();
        DateTime deadline = DateTime.UtcNow + timeout;
        lock (_collector.Gate)
        {
            while (_collector.SettledMarker < marker && !_collector.Ended)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return false;
                if (!Monitor.Wait(_collector.Gate, left < s_nudgeEvery ? left : s_nudgeEvery)) FlushMarkerSource.Log.Send();
            }
        }
        return _collector.SettledMarker >= marker;
    }

    public void Dispose()
    {
        if (_session is not null) SessionSetup.Stop(_session, TimeSpan.FromSeconds(30));
        // Keep the reader alive until the stream ends, so the runtime never writes into a closed pipe.
        _thread?.Join(TimeSpan.FromSeconds(10));
        _session?.Dispose();
        _collector.Dispose();
    }
}
