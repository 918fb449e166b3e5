using System.Runtime.CompilerServices;
using Heapmon.Model;

namespace Heapmon.Sampling;

/// <summary>
/// Turns a session's events into samples in a <see cref="SampleStore"/>, for a session to our own process
/// or to another one: raw stacks are interned as they come, and a sample joins the store once every event
/// stamped before it has been read (so the load of the code it ran is known), resolved to a traceback once
/// per distinct stack. Called by one reader thread; flush waiters and GC queries come from others.
/// </summary>
internal sealed class SampleCollector : TraceEventSink, IDisposable
{
    private const int Unresolved = int.MinValue;
    private const int Tracer = -1;

    private readonly SampleStore _store;
    private readonly JitLineMap _jit = new();
    private readonly PdbLines _pdbs;
    private readonly FrameResolver _frames;
    private readonly TraceFrame[] _scratch;
    private readonly Dictionary<ulong[], int> _rawIds = new(AddressesComparer.Instance);
    private readonly List<ulong[]> _rawStacks = [];
    private readonly List<int> _resolved = [];
    private readonly Dictionary<TraceFrame[], int> _stackIds = new(FramesComparer.Instance);
    private readonly Dictionary<ulong, int> _types = [];
    private readonly List<(long Timestamp, int Depth)> _gcStarts = [];
    private readonly List<(long Timestamp, long Id)> _markers = [];
    private readonly int[] _gcCounts = new int[3];
    private Pending[] _pending = new Pending[4096];
    private int _pendingCount;
    private JitLineMap? _rundown;
    private bool _awaitingRundown;
    private long _settledMarker;
    private long _ownSamples;

    private readonly record struct Pending(long Address, nint TypeHandle, int Type, long Size, int Raw, long Timestamp, byte Kind);

    /// <param name="store">Where settled samples go.</param>
    /// <param name="settings">Frames kept, runtime frames.</param>
    /// <param name="expectRundown">Hold samples back until <see cref="ProvideRundown"/> lists the code compiled before the session.</param>
    /// <param name="root">Prefix to reach the traced process's files (its PDBs) from here.</param>
    /// <param name="runtimeDirectory">The traced runtime's folder when known (our own); otherwise read from its CoreLib's load.</param>
    public SampleCollector(SampleStore store, SamplerSettings settings, bool expectRundown, string root = "", string? runtimeDirectory = null)
    {
        _store = store;
        _scratch = new TraceFrame[settings.TracebackLimit];
        _pdbs = new PdbLines(root);
        _frames = new FrameResolver(_jit, _pdbs, settings.IncludeRuntimeFrames, runtimeDirectory);
        _awaitingRundown = expectRundown;
    }

    /// <summary>Guards the markers and GC starts; pulsed when a marker settles or the stream ends.</summary>
    public object Gate { get; } = new();

    /// <summary>The OS thread whose samples are left out (the reader's own, in our own process).</summary>
    public long ExcludedThread { get; set; } = -1;

    /// <summary>The traced process's pid from the trace header (0 until read).</summary>
    public int ProcessId { get; private set; }

    /// <summary>The highest flush marker whose earlier samples are all in the store.</summary>
    public long SettledMarker { get { lock (Gate) return _settledMarker; } }

    /// <summary>True once the stream has ended and every sample is in the store.</summary>
    public bool Ended { get; private set; }

    /// <summary>Samples left out as Heapmon's own (a stack through Heapmon, or the reader thread's).</summary>
    public long OwnSamples => Interlocked.Read(ref _ownSamples);

    /// <summary>GCs started during the session, by generation.</summary>
    public IReadOnlyList<int> GcCounts { get { lock (Gate) return [.. _gcCounts]; } }

    /// <summary>Hands over the code a rundown listed (from another thread); held-back samples then settle.</summary>
    public void ProvideRundown(JitLineMap rundown) => Volatile.Write(ref _rundown, rundown);

    /// <summary>Whether a GC started after <paramref name="timestamp"/> (only gen2 ones with <paramref name="gen2Only"/>), among those read.</summary>
    public bool AnyGcSince(long timestamp, bool gen2Only)
    {
        lock (Gate)
        {
            for (int i = _gcStarts.Count - 1; i >= 0; i--)
                if (_gcStarts[i].Timestamp > timestamp && (!gen2Only || _gcStarts[i].Depth == 2)) return true;
            return false;
        }
    }

    public override void OnTraceHeader(int processId) => ProcessId = processId;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void OnAllocation(in EventHeader header, in SampledAllocation allocation, ReadOnlySpan<ulong> stack)
    {
        if (header.ThreadId == ExcludedThread)
        {
            Interlocked.Increment(ref _ownSamples);
            return;
        }
        var lookup = _rawIds.GetAlternateLookup<ReadOnlySpan<ulong>>();
        if (!lookup.TryGetValue(stack, out int raw))
        {
            ulong[] copy = stack.ToArray();
            raw = _rawStacks.Count;
            _rawStacks.Add(copy);
            _resolved.Add(Unresolved);
            _rawIds.Add(copy, raw);
        }
        // One name per type, not one string per event.
        if (!_types.TryGetValue(allocation.TypeId, out int type)) _types[allocation.TypeId] = type = _store.AddType(allocation.TypeName.ToString());
        if (_pendingCount == _pending.Length) Array.Resize(ref _pending, _pending.Length * 2);
        _pending[_pendingCount++] = new Pending((long)allocation.Address, (nint)allocation.TypeId, type, (long)allocation.Size, raw, header.Timestamp, (byte)allocation.Kind);
    }

    public override void OnMethodLoad(in MethodLoad method) => _jit.OnMethodLoad(in method);

    public override void OnILMap(ulong methodId, int count, ReadOnlySpan<byte> ilOffsets, ReadOnlySpan<byte> nativeOffsets) =>
        _jit.OnILMap(methodId, count, ilOffsets, nativeOffsets);

    public override void OnModuleLoad(ulong moduleId, ReadOnlySpan<char> ilPath) => _jit.OnModuleLoad(moduleId, ilPath);

    public override void OnGcStart(long timestamp, int count, int depth)
    {
        lock (Gate)
        {
            _gcStarts.Add((timestamp, depth));
            if ((uint)depth < 3) _gcCounts[depth]++;
        }
    }

    public override void OnMarker(long timestamp, long id)
    {
        lock (Gate) _markers.Add((timestamp, id));
    }

    public override void OnSortedUpTo(long timestamp)
    {
        if (!Settle(timestamp)) return;
        lock (Gate)
        {
            // A marker settles once a later event proves nothing stamped before it is still to come.
            int kept = 0;
            for (int i = 0; i < _markers.Count; i++)
            {
                if (_markers[i].Timestamp < timestamp) _settledMarker = Math.Max(_settledMarker, _markers[i].Id);
                else _markers[kept++] = _markers[i];
            }
            if (kept == _markers.Count) return;
            _markers.RemoveRange(kept, _markers.Count - kept);
            Monitor.PulseAll(Gate);
        }
    }

    public override void OnEnd()
    {
        // Without its rundown the code compiled earlier stays unnamed, but what was sampled is kept.
        _rundown ??= new JitLineMap();
        Settle(long.MaxValue);
        lock (Gate)
        {
            foreach ((_, long id) in _markers) _settledMarker = Math.Max(_settledMarker, id);
            _markers.Clear();
            Ended = true;
            Monitor.PulseAll(Gate);
        }
    }

    /// <summary>Moves the samples stamped before <paramref name="limit"/> into the store; false while the rundown is awaited.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Settle(long limit)
    {
        if (_awaitingRundown)
        {
            if (Volatile.Read(ref _rundown) is not { } rundown) return false;
            _jit.MergeOlder(rundown);
            _awaitingRundown = false;
        }
        int kept = 0;
        for (int i = 0; i < _pendingCount; i++)
        {
            Pending p = _pending[i];
            if (p.Timestamp >= limit)
            {
                _pending[kept++] = p;
                continue;
            }
            int stack = Resolve(p.Raw);
            if (stack == Tracer) Interlocked.Increment(ref _ownSamples);
            else _store.Add(new SampleStore.Row(p.Address, p.TypeHandle, p.Type, p.Size, stack, p.Timestamp, p.Kind));
        }
        _pendingCount = kept;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Resolve(int raw)
    {
        int stack = _resolved[raw];
        if (stack != Unresolved) return stack;
        int count = _frames.Resolve(_rawStacks[raw], _scratch);
        if (count < 0)
        {
            stack = Tracer;
        }
        else
        {
            ReadOnlySpan<TraceFrame> frames = _scratch.AsSpan(0, count);
            var lookup = _stackIds.GetAlternateLookup<ReadOnlySpan<TraceFrame>>();
            if (!lookup.TryGetValue(frames, out stack))
            {
                TraceFrame[] copy = frames.ToArray();
                stack = _store.AddStack(copy);
                _stackIds.Add(copy, stack);
            }
        }
        _resolved[raw] = stack;
        return stack;
    }

    public void Dispose() => _pdbs.Dispose();
}
