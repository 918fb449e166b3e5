using System.Runtime.InteropServices;
using Heapmon.Model;

namespace Heapmon.Sampling;

/// <summary>
/// The samples: compact rows with interned type names and tracebacks, appended by the reader thread and
/// copied out under one lock by snapshots. Rows live in native memory, in fixed chunks: a store that grows
/// for hours never reallocates, never lands on the large object heap and never ages into gen2, so the GC of
/// the measured program does not see it.
/// </summary>
internal sealed unsafe class SampleStore : IDisposable
{
    internal readonly record struct Row(long Address, nint TypeHandle, int Type, long Size, int Stack, long Timestamp, byte Kind);

    private const int ChunkRows = 4096;

    private readonly Lock _gate = new();
    private readonly List<string> _types = [];
    private readonly Dictionary<string, int> _typeIndex = new(StringComparer.Ordinal);
    private readonly List<TraceFrame[]> _stacks = [];
    private readonly List<nint> _chunks = [];
    private Func<TraceFrame[], bool>? _accept;
    private readonly Dictionary<int, bool> _accepted = [];
    private int _count;
    private int _epoch; // counts clears, so a mark taken before one is known to be stale
    private double _estimatedBytes;
    private double _peakBytes;

    public int Count { get { lock (_gate) return _count; } }

    /// <summary>Estimated bytes allocated since start or the last clear (Σ size/π).</summary>
    public double EstimatedBytes { get { lock (_gate) return _estimatedBytes; } }

    public double PeakBytes { get { lock (_gate) return _peakBytes; } }

    /// <summary>Interns a traceback.</summary>
    public int AddStack(TraceFrame[] frames)
    {
        lock (_gate)
        {
            _stacks.Add(frames);
            return _stacks.Count - 1;
        }
    }

    /// <summary>Interns a type name.</summary>
    public int AddType(string typeName)
    {
        lock (_gate)
        {
            if (!_typeIndex.TryGetValue(typeName, out int type))
            {
                type = _types.Count;
                _types.Add(typeName);
                _typeIndex.Add(typeName, type);
            }
            return type;
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

    /// <summary>Adds a sample of a type name not interned yet.</summary>
    public void Add(long address, nint typeHandle, string typeName, long size, int stack, long timestamp = 0, byte kind = 0) =>
        Add(new Row(address, typeHandle, AddType(typeName), size, stack, timestamp, kind));

    /// <summary>Adds a sample unless the filters reject its traceback (decided once per traceback).</summary>
    public void Add(in Row row)
    {
        lock (_gate)
        {
            if (_accept is not null)
            {
                if (!_accepted.TryGetValue(row.Stack, out bool accepted))
                    _accepted[row.Stack] = accepted = _accept(_stacks[row.Stack]);
                if (!accepted) return;
            }
            if (_count == _chunks.Count * ChunkRows) _chunks.Add((nint)NativeMemory.Alloc(ChunkRows, (nuint)sizeof(Row)));
            *At(_count++) = row;
            _estimatedBytes += row.Size * SamplingMath.CountWeight(row.Size);
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
            FreeChunks();
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
                Row row = *At(i);
                if (typeFilter is not null && !typeFilter(row.TypeHandle)) continue;
                traces.Add(Trace(row));
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
                if (At(i)->Address == address) return (Trace(*At(i)), *At(i));
            return null;
        }
    }

    /// <summary>Bytes held by the store's rows, strings and tracebacks (an estimate).</summary>
    public long MemoryUsage()
    {
        lock (_gate)
        {
            long bytes = (long)_chunks.Count * ChunkRows * sizeof(Row) + _types.Sum(t => 24L + 2 * t.Length) + _types.Count * 32L;
            foreach (TraceFrame[] stack in _stacks) bytes += 24 + 8L * stack.Length + 48L * stack.Length;
            return bytes;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _count = 0;
            FreeChunks();
        }
    }

    private AllocationTrace Trace(in Row row) => new(row.Address, _types[row.Type], row.Size, _stacks[row.Stack]) { TypeHandle = row.TypeHandle };

    private Row* At(int index) => (Row*)_chunks[index / ChunkRows] + index % ChunkRows;

    private void FreeChunks()
    {
        foreach (nint chunk in _chunks) NativeMemory.Free((void*)chunk);
        _chunks.Clear();
    }
}
