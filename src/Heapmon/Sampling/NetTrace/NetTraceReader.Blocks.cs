using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace Heapmon.Sampling;

/// <summary>The blocks: event blobs (compressed headers, V5), metadata records, stacks and sequence points.</summary>
internal sealed partial class NetTraceReader
{
    private readonly StackTable _stacks = new();
    private readonly Dictionary<long, int> _lastSequence = [];
    private EventKind[] _kinds = new EventKind[256];
    private long _lostEvents;
    private long _runThread; // the capture thread of the events being read, and its last sequence number
    private int _runSequence;
    private bool _inRun;

    /// <summary>Events the runtime counted but never wrote (its buffer was full): gaps in the per-thread sequence numbers.</summary>
    public long LostEvents => Interlocked.Read(ref _lostEvents);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseEvents(ReadOnlySpan<byte> block, bool metadata)
    {
        if (block.Length < 4) throw new InvalidDataException("nettrace: truncated block header");
        int headerSize = BinaryPrimitives.ReadInt16LittleEndian(block);
        bool compressed = (BinaryPrimitives.ReadInt16LittleEndian(block[2..]) & 1) != 0;
        int offset = headerSize;
        var header = default(EventHeader); // each block starts from a zeroed header
        while (offset < block.Length)
        {
            if (compressed) ReadCompressedHeader(block, ref offset, ref header);
            else ReadPlainHeader(block, ref offset, ref header);
            if (header.PayloadSize < 0 || offset + header.PayloadSize > block.Length) throw new InvalidDataException("nettrace: event overruns its block");
            ReadOnlySpan<byte> payload = block.Slice(offset, header.PayloadSize);
            offset += header.PayloadSize;
            if (!compressed) offset = (offset + 3) & ~3;
            if (metadata)
            {
                DefineEvent(payload);
                continue;
            }
            if (header.MetadataId != 0) (_runThread, _runSequence, _inRun) = (header.CaptureThreadId, header.SequenceNumber, true);
            Dispatch(in header, payload);
        }
        EndRun();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadCompressedHeader(ReadOnlySpan<byte> block, ref int offset, ref EventHeader header)
    {
        byte flags = block[offset++];
        if ((flags & 1) != 0) header.MetadataId = (int)VarUInt(block, ref offset);
        if ((flags & 2) != 0)
        {
            EndRun();
            header.SequenceNumber += (int)VarUInt(block, ref offset) + 1;
            header.CaptureThreadId = (long)VarUInt(block, ref offset);
            header.ProcessorNumber = (int)VarUInt(block, ref offset);
            if (header.MetadataId != 0) CheckSequence(header.CaptureThreadId, header.SequenceNumber);
        }
        else if (header.MetadataId != 0)
        {
            header.SequenceNumber++;
        }
        if ((flags & 4) != 0) header.ThreadId = (long)VarUInt(block, ref offset);
        if ((flags & 8) != 0) header.StackId = (int)VarUInt(block, ref offset);
        header.Timestamp += (long)VarUInt(block, ref offset);
        if ((flags & 16) != 0) offset += 16; // activity id
        if ((flags & 32) != 0) offset += 16; // related activity id
        header.IsSorted = (flags & 64) != 0;
        if ((flags & 128) != 0) header.PayloadSize = (int)VarUInt(block, ref offset);
    }

    private void ReadPlainHeader(ReadOnlySpan<byte> block, ref int offset, ref EventHeader header)
    {
        // Size, metadata id (high bit: sorted), sequence, thread, capture thread, processor, stack, timestamp, two GUIDs, payload size.
        ReadOnlySpan<byte> h = block.Slice(offset, 84);
        int metadataId = BinaryPrimitives.ReadInt32LittleEndian(h[4..]);
        header.MetadataId = metadataId & 0x7FFF_FFFF;
        header.IsSorted = metadataId < 0;
        header.SequenceNumber = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        header.ThreadId = BinaryPrimitives.ReadInt64LittleEndian(h[12..]);
        header.CaptureThreadId = BinaryPrimitives.ReadInt64LittleEndian(h[20..]);
        header.ProcessorNumber = BinaryPrimitives.ReadInt32LittleEndian(h[28..]);
        header.StackId = BinaryPrimitives.ReadInt32LittleEndian(h[32..]);
        header.Timestamp = BinaryPrimitives.ReadInt64LittleEndian(h[36..]);
        header.PayloadSize = BinaryPrimitives.ReadInt32LittleEndian(h[80..]);
        offset += 84;
        if (header.MetadataId == 0) return;
        EndRun();
        CheckSequence(header.CaptureThreadId, header.SequenceNumber);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dispatch(in EventHeader header, ReadOnlySpan<byte> payload)
    {
        // A sorted event promises every later event is at least as late: all before it has been read.
        if (header.IsSorted) sink.OnSortedUpTo(header.Timestamp);
        EventKind kind = header.MetadataId < _kinds.Length ? _kinds[header.MetadataId] : EventKind.None;
        if (kind == EventKind.None) return;
        RuntimeEvents.Dispatch(kind, in header, payload, kind == EventKind.Allocation ? _stacks.Get(header.StackId) : default, sink);
    }

    private void DefineEvent(ReadOnlySpan<byte> payload)
    {
        int id = BinaryPrimitives.ReadInt32LittleEndian(payload);
        int offset = 4;
        ReadOnlySpan<char> provider = RuntimeEvents.String(payload, ref offset);
        int eventId = BinaryPrimitives.ReadInt32LittleEndian(payload[offset..]);
        if (id < 0) throw new InvalidDataException("nettrace: negative metadata id");
        if (id >= _kinds.Length) Array.Resize(ref _kinds, Math.Max(id + 1, _kinds.Length * 2));
        _kinds[id] = RuntimeEvents.Classify(provider, eventId);
    }

    private void ParseSequencePoint(ReadOnlySpan<byte> block)
    {
        long timestamp = BinaryPrimitives.ReadInt64LittleEndian(block);
        int threads = BinaryPrimitives.ReadInt32LittleEndian(block[8..]);
        for (int i = 0; i < threads; i++)
        {
            ReadOnlySpan<byte> entry = block.Slice(12 + i * 12, 12);
            long thread = BinaryPrimitives.ReadInt64LittleEndian(entry);
            int sequence = BinaryPrimitives.ReadInt32LittleEndian(entry[8..]);
            // A lower bound: events the thread numbered but never wrote are lost.
            if (_lastSequence.TryGetValue(thread, out int last) && sequence - last > 0) Interlocked.Add(ref _lostEvents, sequence - last);
            _lastSequence[thread] = sequence;
        }
        // Stacks are only referred to within their sequence-point region.
        _stacks.Clear();
        sink.OnSortedUpTo(timestamp);
    }

    /// <summary>The first event of a thread's run: numbers skipped since its last event are events lost.</summary>
    private void CheckSequence(long thread, int sequence)
    {
        if (_lastSequence.TryGetValue(thread, out int last) && sequence - last - 1 > 0) Interlocked.Add(ref _lostEvents, sequence - last - 1);
    }

    /// <summary>A thread's run of events ended: remember where its numbering stands.</summary>
    private void EndRun()
    {
        if (!_inRun) return;
        _lastSequence[_runThread] = _runSequence;
        _inRun = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong VarUInt(ReadOnlySpan<byte> data, ref int offset)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("nettrace: malformed variable-length number");
    }
}

/// <summary>An event's header as the blob gives it; in compressed blocks each header starts from the one before.</summary>
internal struct EventHeader
{
    public int MetadataId;
    public int SequenceNumber;
    public long CaptureThreadId;
    public int ProcessorNumber;
    public long ThreadId;
    public int StackId;
    public long Timestamp;
    public int PayloadSize;
    public bool IsSorted;
}
