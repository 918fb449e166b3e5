using Heapmon.Model;

namespace Heapmon.Sampling;

/// <summary>
/// The live tracer's samples: compact rows with interned type names and tracebacks, appended by the
/// reader thread and copied out under one lock by snapshots.
/// </summary>
internal sealed class SampleStore
{
    internal readonly record struct Row(long Address, nint TypeHandle, int Type, long Size, int Stack, int GcIndex, int Gen2Index, byte Kind);

    private readonly Lock _gate = new();
    private readonly List<string> _types = [];
    private readonly Dictionary<string, int> _typeIndex = new(StringComparer.Ordinal);
    private readonly List<TraceFrame[]> _stacks = [];
    private Func<TraceFrame[], bool>? _accept;
    private readonly Dictionary<int, bool> _accepted = [];
    private Row[] _rows = new Row[1024];
    private int _count;
    private int _epoch; // counts clears, so a mark taken before one is known to be stale
    private double _estimatedBytes;
    private double _peakBytes;

    public int Count { get { lock (_gate) return _count; } }

    /// <summary>Estimated bytes allocated since start or the last clear (Σ size/π).</summary>
    public double EstimatedBytes { get { lock (_gate) return _estimatedBytes; } }

    public double PeakBytes { get { lock (_gate) return _peakBytes; } }

    /// <summary>Interns a traceback; called by the reader thread only.</summary>
    public int AddStack(TraceFrame[] frames)
    {
        lock (_gate)
        {
            _stacks.Add(frames);
            return _stacks.Count - 1;
        }
    }

    /// <summary>
    /// Decides which tracebacks are kept (the allocation tracer's filters), from now on; null keeps every one.
    /// Asked once per interned traceback.
    /// </summary>
    public void SetAcceptor(Func<TraceFrame[], bool>? accept)
    {
        lock (_gate)
        {
            _accept = accept;
            _accepted.Clear();
        }
    }

    /// <summary>Adds a sample unless the filters reject its traceback (decided once per traceback).</summary>
    public void Add(long address, nint typeHandle, string typeName, long size, int stack, int gcIndex = 0, int gen2Index = 0, byte kind = 0)
    {
        lock (_gate)
        {
            if (_accept is not null)
            {
                if (!_accepted.TryGetValue(stack, out bool accepted))
                    _accepted[stack] = accepted = _accept(_stacks[stack]);
                if (!accepted) return;
            }
            if (!_typeIndex.TryGetValue(typeName, out int type))
            {
                type = _types.Count;
                _types.Add(typeName);
                _typeIndex.Add(typeName, type);
            }
            if (_count == _rows.Length) Array.Resize(ref _rows, _rows.Length * 2);
            _rows[_count++] = new Row(address, typeHandle, type, size, stack, gcIndex, gen2Index, kind);
            _estimatedBytes += size * SamplingMath.CountWeight(size);
            _peakBytes = Math.Max(_peakBytes, _estimatedBytes);
        }
    }

    /// <summary>Forgets the samples and the interned stacks; only while no session is reading.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _stacks.Clear();
            _accepted.Clear();
        }
        Clear();
    }

    /// <summary>Forgets the samples (the interned stacks stay: the reader's stack cache points into them).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _epoch++;
            _count = 0;
            _rows = new Row[1024];
            _estimatedBytes = 0;
            _peakBytes = 0;
        }
    }

    /// <summary>Where the samples taken from now on will begin (see <see cref="Export"/>).</summary>
    public SampleMark Mark()
    {
        lock (_gate) return new SampleMark(_epoch, _count);
    }

    /// <summary>
    /// Copies the samples out as public traces (frames and type names shared, not copied): every one, or
    /// those taken since <paramref name="from"/> (all of them if the store was cleared since).
    /// </summary>
    public List<AllocationTrace> Export(Func<nint, bool>? typeFilter = null, SampleMark? from = null)
    {
        lock (_gate)
        {
            int start = from is { } mark && mark.Epoch == _epoch ? Math.Min(mark.Index, _count) : 0;
            var traces = new List<AllocationTrace>(_count - start);
            for (int i = start; i < _count; i++)
            {
                Row row = _rows[i];
                if (typeFilter is not null && !typeFilter(row.TypeHandle)) continue;
                traces.Add(new AllocationTrace(row.Address, _types[row.Type], row.Size, _stacks[row.Stack]) { TypeHandle = row.TypeHandle });
            }
            return traces;
        }
    }

    /// <summary>The newest sample taken at <paramref name="address"/> (addresses are reused), with its row.</summary>
    public (AllocationTrace Trace, Row Row)? Find(long address)
    {
        lock (_gate)
        {
            for (int i = _count - 1; i >= 0; i--)
                if (_rows[i].Address == address)
                {
                    Row row = _rows[i];
                    return (new AllocationTrace(row.Address, _types[row.Type], row.Size, _stacks[row.Stack]) { TypeHandle = row.TypeHandle }, row);
                }
            return null;
        }
    }

    /// <summary>Bytes held by the store's own arrays and strings (an estimate).</summary>
    public long MemoryUsage()
    {
        lock (_gate)
        {
            long bytes = (long)_rows.Length * 40 + _types.Sum(t => 24L + 2 * t.Length) + _types.Count * 32L;
            foreach (TraceFrame[] stack in _stacks) bytes += 24 + 8L * stack.Length + 48L * stack.Length;
            return bytes;
        }
    }
}
