using System.Diagnostics.Tracing;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Heapmon.Allocations;

/// <summary>
/// Mechanism 4 of DESIGN.md: an EventPipe session to our own process with .NET 10 allocation
/// sampling and stacks, read in real time through TraceLog so stacks resolve to methods and, via
/// portable PDBs, to file:line. One reader thread owns the TraceLog; it lives until the session stops.
/// </summary>
internal sealed partial class SamplerSession : IDisposable
{
    private const long AllocationSamplingKeyword = 0x80000000000;

    private readonly SampleStore _store;
    private readonly AllocationTracerOptions _options;
    private readonly DiagnosticsClient _client = new(Environment.ProcessId);
    private readonly EventPipeSession _session;
    private readonly TraceLogEventSource _source;
    private readonly Thread _reader;
    private readonly PdbLines _pdbs = new();
    private readonly JitLineMap _jit = new();
    private readonly FrameResolver _frames;
    private readonly Dictionary<int, int> _stackCache = [];
    private readonly ManualResetEventSlim _readerStarted = new();
    private readonly object _markerGate = new();
    private long _markerSeen;
    private int _readerThreadId;
    private int _gcIndex;
    private int _gen2Index;
    private Exception? _readerFailure;

    public SamplerSession(SampleStore store, AllocationTracerOptions options)
    {
        _store = store;
        _options = options;
        // GCs before the session: its stream will not report them.
        _gcIndex = GC.CollectionCount(0);
        _gen2Index = -1;
        long keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Loader | ClrTraceEventParser.Keywords.Jit
            | ClrTraceEventParser.Keywords.JittedMethodILToNativeMap | ClrTraceEventParser.Keywords.Stack) | AllocationSamplingKeyword;
        EventPipeProvider[] providers =
        [
            new(ClrTraceEventParser.ProviderName, EventLevel.Verbose, keywords),
            new(FlushMarkerSource.SourceName, EventLevel.Informational),
        ];
        // Our rundown (IL maps) runs beside TraceLog's own (method names); both finish before the reader starts.
        Task rundown = Task.Run(() => ReadRundown(_client, _jit));
        _session = _client.StartEventPipeSession(providers, requestRundown: false, circularBufferMB: options.BufferSizeMB);
        try
        {
            _source = TraceLog.CreateFromEventPipeSession(_session, TraceLog.EventPipeRundownConfiguration.Enable(_client));
            _frames = new FrameResolver(_jit, _pdbs, options.IncludeRuntimeFrames);
            _source.Clr.MethodLoadVerbose += _jit.OnMethodLoad;
            _source.Clr.MethodILToNativeMap += _jit.OnILMap;
            _source.Clr.LoaderModuleLoad += _jit.OnModuleLoad;
            _source.Clr.AllocationSampling += OnSample;
            _source.Clr.GCStart += OnGcStart;
            _source.AllEvents += OnAnyEvent;
            rundown.Wait();
            _reader = new Thread(Read) { IsBackground = true, Name = "Heapmon allocation sampler" };
            _reader.Start();
            _readerStarted.Wait();
        }
        catch
        {
            _session.Dispose();
            try { rundown.Wait(); } catch (AggregateException) { }
            throw;
        }
    }

    /// <summary>Index of the last GC whose start the reader has seen.</summary>
    public int GcIndex => Volatile.Read(ref _gcIndex);

    /// <summary>Index of the last gen2 GC whose start the reader has seen.</summary>
    public int Gen2Index => Volatile.Read(ref _gen2Index);

    /// <summary>The reader's failure, if it stopped early (the session then records nothing more).</summary>
    public Exception? ReaderFailure => _readerFailure;

    /// <summary>Waits until every sample allocated before this call has been read (a marker event round trip).</summary>
    public bool Flush(TimeSpan timeout)
    {
        long marker = FlushMarkerSource.Log.Send();
        var deadline = DateTime.UtcNow + timeout;
        lock (_markerGate)
        {
            while (Volatile.Read(ref _markerSeen) < marker && _reader.IsAlive)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return false;
                Monitor.Wait(_markerGate, left);
            }
        }
        return _markerSeen >= marker;
    }

    private void Read()
    {
        _readerThreadId = CurrentOsThreadId();
        _readerStarted.Set();
        try
        {
            _source.Process();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A broken stream must not take the program down: record it and stop sampling.
            _readerFailure = e;
        }
        finally
        {
            lock (_markerGate) Monitor.PulseAll(_markerGate);
        }
    }

    private void OnAnyEvent(TraceEvent data)
    {
        // TraceLog does not name EventSource events read in real time: match our marker by provider GUID.
        if (data.ProviderGuid != FlushMarkerSource.Log.Guid || data.EventDataLength < sizeof(long)) return;
        long marker = BitConverter.ToInt64(data.EventData(), 0);
        lock (_markerGate)
        {
            if (marker > _markerSeen) _markerSeen = marker;
            Monitor.PulseAll(_markerGate);
        }
    }

    private void OnGcStart(GCStartTraceData data)
    {
        if (data.Depth == 2) Volatile.Write(ref _gen2Index, data.Count);
        Volatile.Write(ref _gcIndex, data.Count);
    }

    private void OnSample(AllocationSampledTraceData data)
    {
        // The reader's own allocations (parsing, symbol lookups) are the tracer's, not the program's.
        if (data.ThreadID == _readerThreadId) return;
        CallStackIndex callStack = data.CallStackIndex();
        if (!_stackCache.TryGetValue((int)callStack, out int stack))
        {
            TraceFrame[]? frames = _frames.Resolve(data.CallStack(), _options.TracebackLimit);
            stack = frames is null ? -1 : _store.AddStack(frames);
            _stackCache[(int)callStack] = stack;
        }
        if (stack < 0) return; // allocated by the tracer itself
        _store.Add((long)data.Address, (nint)(long)data.TypeID, data.TypeName, (long)data.ObjectSize, stack, _gcIndex, _gen2Index, (byte)data.AllocationKind);
    }

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException or ObjectDisposedException)
        {
            // The runtime already ended the session; nothing left to stop.
        }
        // Keep the reader alive until the stream ends, so the runtime never writes into a closed pipe.
        _reader.Join(TimeSpan.FromSeconds(10));
        _source.Dispose();
        _session.Dispose();
        _pdbs.Dispose();
    }

    /// <summary>
    /// Code JIT-compiled before the session started has no load events in it: a short rundown session
    /// lists those methods with their IL maps, so their frames get lines too.
    /// </summary>
    private static void ReadRundown(DiagnosticsClient client, JitLineMap jit)
    {
        long keywords = (long)(ClrTraceEventParser.Keywords.Loader | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.JittedMethodILToNativeMap);
        using EventPipeSession rundownSession = client.StartEventPipeSession(new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, keywords), requestRundown: true);
        using var source = new EventPipeEventSource(rundownSession.EventStream);
        var rundown = new ClrRundownTraceEventParser(source);
        rundown.MethodDCStopVerbose += jit.OnMethodLoad;
        rundown.MethodILToNativeMapDCStop += jit.OnILMap;
        rundown.LoaderModuleDCStop += jit.OnModuleLoad;
        var reading = Task.Run(source.Process);
        rundownSession.Stop();
        reading.Wait(TimeSpan.FromSeconds(30));
    }

    private static int CurrentOsThreadId()
    {
        try
        {
            return OperatingSystem.IsLinux() ? gettid() : 0;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int gettid();

    /// <summary>Our own marker events: a round trip through the session proves everything before it was read.</summary>
    [EventSource(Name = SourceName)]
    private sealed class FlushMarkerSource : EventSource
    {
        public const string SourceName = "Heapmon-Allocations-Flush";
        public static readonly FlushMarkerSource Log = new();
        private long _next;

        public long Send()
        {
            long marker = Interlocked.Increment(ref _next);
            Marker(marker);
            return marker;
        }

        [Event(1, Level = EventLevel.Informational)]
        private void Marker(long id) => WriteEvent(1, id);
    }
}
