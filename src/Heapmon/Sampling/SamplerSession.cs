using System.Diagnostics.Tracing;
using System.Runtime.InteropServices;
using Heapmon.Model;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Heapmon.Sampling;

/// <summary>
/// The allocation sampler (docs/allocations.md): an EventPipe session to our own process with .NET 10 allocation
/// sampling and stacks, read in real time. Stacks resolve through our own table of JIT-compiled code
/// (rundown + load events) and portable PDBs to file:line; TraceLog's real-time mode cost more CPU than
/// the sampling itself. One reader thread owns the source; it lives until the session stops.
/// </summary>
internal sealed partial class SamplerSession : IDisposable
{
    private const long AllocationSamplingKeyword = 0x80000000000;

    private readonly SampleStore _store;
    private readonly SamplerSettings _options;
    private readonly DiagnosticsClient _client = new(Environment.ProcessId);
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Thread _reader;
    private readonly PdbLines _pdbs = new();
    private readonly JitLineMap _jit = new();
    private readonly FrameResolver _frames;
    private readonly Dictionary<TraceFrame[], int> _stackIds = new(FramesComparer.Instance);
    private readonly Dictionary<ulong, string> _typeNames = [];
    private readonly TraceFrame[] _scratch;
    private readonly ManualResetEventSlim _readerStarted = new();
    private readonly object _markerGate = new();
    private long _markerSeen;
    private int _readerThreadId;
    private int _gcIndex;
    private int _gen2Index;
    private Exception? _readerFailure;

    public SamplerSession(SampleStore store, SamplerSettings options)
    {
        _store = store;
        _options = options;
        _scratch = new TraceFrame[options.TracebackLimit];
        // GCs before the session are not in its stream; samples taken before the first GCStart share these values.
        _gcIndex = -1;
        _gen2Index = -1;
        long keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Loader | ClrTraceEventParser.Keywords.Jit
            | ClrTraceEventParser.Keywords.JittedMethodILToNativeMap | ClrTraceEventParser.Keywords.Stack) | AllocationSamplingKeyword;
        EventPipeProvider[] providers =
        [
            // Verbose: method load and IL map events are verbose-level.
            new(ClrTraceEventParser.ProviderName, EventLevel.Verbose, keywords),
            new(FlushMarkerSource.SourceName, EventLevel.Informational),
        ];
        if (!EventStacks.Supported) throw new PlatformNotSupportedException("The allocation tracer needs a 64-bit process and TraceEvent 4.0's event records.");
        // Code compiled before the session: the rundown lists it with IL maps; it is read before the session's own events.
        ReadRundown(_client, _jit);
        _session = _client.StartEventPipeSession(providers, requestRundown: false, circularBufferMB: options.BufferSizeMB);
        try
        {
            _source = new EventPipeEventSource(_session.EventStream);
            _frames = new FrameResolver(_jit, _pdbs, options.IncludeRuntimeFrames);
            _source.Clr.MethodLoadVerbose += _jit.OnMethodLoad;
            _source.Clr.MethodILToNativeMap += _jit.OnILMap;
            _source.Clr.LoaderModuleLoad += _jit.OnModuleLoad;
            _source.Clr.AllocationSampling += OnSample;
            _source.Clr.GCStart += OnGcStart;
            _source.Dynamic.AddCallbackForProviderEvent(FlushMarkerSource.SourceName, null, OnMarker);
            _reader = new Thread(Read) { IsBackground = true, Name = "Heapmon allocation sampler" };
            _reader.Start();
            _readerStarted.Wait();
        }
        catch
        {
            _session.Dispose();
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

    private void OnMarker(TraceEvent data)
    {
        // Only our marker source is routed here; check the GUID anyway, the payload is read raw.
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
        // The reader's own allocations (parsing, PDB reads) are the tracer's, not the program's.
        if (data.ThreadID == _readerThreadId) return;
        int count = _frames.Resolve(EventStacks.Read(data), _scratch);
        if (count < 0) return; // allocated by the tracer itself
        ReadOnlySpan<TraceFrame> frames = _scratch.AsSpan(0, count);
        var lookup = _stackIds.GetAlternateLookup<ReadOnlySpan<TraceFrame>>();
        if (!lookup.TryGetValue(frames, out int stack))
        {
            TraceFrame[] copy = frames.ToArray();
            stack = _store.AddStack(copy);
            _stackIds.Add(copy, stack);
        }
        // Type names are parsed into a new string per event; one per type is enough.
        if (!_typeNames.TryGetValue(data.TypeID, out string? typeName)) _typeNames[data.TypeID] = typeName = data.TypeName;
        _store.Add((long)data.Address, (nint)(long)data.TypeID, typeName, (long)data.ObjectSize, stack, _gcIndex, _gen2Index, (byte)data.AllocationKind);
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
