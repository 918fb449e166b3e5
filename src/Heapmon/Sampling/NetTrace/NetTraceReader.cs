using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Text;

namespace Heapmon.Sampling;

/// <summary>
/// Reads the nettrace stream an EventPipe session writes (format V5: "Nettrace", then FastSerialization
/// objects: the Trace header and Metadata, Stack, Event and sequence-point blocks) and hands the events the
/// sampler uses to a <see cref="TraceEventSink"/>, decoded in place. TraceEvent's reader copied every event
/// into an object of its own (~540 bytes each, kept until sorted): in the measured process that cost more
/// than the sampling, and its queues outlived gen0 and grew gen2. This reader allocates nothing per event.
/// </summary>
internal sealed partial class NetTraceReader(Stream stream, TraceEventSink sink)
{
    private const byte NullReference = 1;
    private const byte BeginObject = 5;
    private const byte EndObject = 6;
    private static readonly byte[] s_magic = "Nettrace"u8.ToArray();
    private static readonly byte[] s_serializationHeader = "!FastSerialization.1"u8.ToArray();

    // Blocks are read whole; the runtime's stay under 100 KB, so this grows only for a foreign writer.
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(256 * 1024);
    private int _start;
    private int _end;
    private long _position; // stream offset of _buffer[_start], for the blocks' 4-byte alignment

    /// <summary>The traced process's pid as the trace header gives it (0 until read).</summary>
    public int ProcessId { get; private set; }

    /// <summary>Reads to the end of the stream: the session ended, or the process exited (a cut stream ends quietly).</summary>
    /// <exception cref="InvalidDataException">The stream is not a nettrace stream this reader understands.</exception>
    public void Run()
    {
        try
        {
            ReadStreamHeader();
            while (ReadObject()) { }
        }
        catch (EndOfStreamException)
        {
            // The process exited mid-block: what was read stands.
        }
        sink.OnEnd();
    }

    private void ReadStreamHeader()
    {
        Require(s_magic.Length + 4 + s_serializationHeader.Length);
        if (!Bytes(s_magic.Length).SequenceEqual(s_magic)) throw new InvalidDataException("not a nettrace stream (no 'Nettrace' magic)");
        Skip(s_magic.Length);
        if (Int32() != s_serializationHeader.Length || !Bytes(s_serializationHeader.Length).SequenceEqual(s_serializationHeader))
            throw new InvalidDataException("not a nettrace stream (no FastSerialization header)");
        Skip(s_serializationHeader.Length);
    }

    /// <summary>One object: its type, then its payload; false at the stream's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadObject()
    {
        Require(1);
        byte tag = Byte();
        if (tag == NullReference) return false;
        if (tag != BeginObject) throw new InvalidDataException($"nettrace: expected an object, found tag {tag}");
        string type = ReadTypeName();
        switch (type)
        {
            case "Trace": ReadTraceHeader(); break;
            case "EventBlock": ReadBlock(BlockKind.Events); break;
            case "MetadataBlock": ReadBlock(BlockKind.Metadata); break;
            case "StackBlock": ReadBlock(BlockKind.Stacks); break;
            case "SPBlock": ReadBlock(BlockKind.SequencePoint); break;
            default: throw new InvalidDataException($"nettrace: unknown object '{type}' (a newer format?)");
        }
        Require(1);
        if (Byte() != EndObject) throw new InvalidDataException($"nettrace: object '{type}' does not end where expected");
        return true;
    }

    private string ReadTypeName()
    {
        Require(2 + 12);
        if (Byte() != BeginObject || Byte() != NullReference) throw new InvalidDataException("nettrace: malformed object type");
        int version = Int32();
        int minimumReader = Int32();
        int length = Int32();
        if (length is < 0 or > 256) throw new InvalidDataException("nettrace: malformed object type name");
        Require(length + 1);
        string name = TypeNames.Intern(Bytes(length));
        Skip(length);
        if (Byte() != EndObject) throw new InvalidDataException("nettrace: malformed object type");
        if (name == "Trace" && minimumReader > 4)
            throw new InvalidDataException($"nettrace: the trace format version {version} needs a newer reader than this Heapmon");
        return name;
    }

    private void ReadTraceHeader()
    {
        // SYSTEMTIME (16), sync QPC (8), QPC frequency (8), pointer size (4), pid (4), processors (4), sampling rate (4).
        Require(48);
        ReadOnlySpan<byte> header = Bytes(48);
        int pointerSize = BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
        ProcessId = BinaryPrimitives.ReadInt32LittleEndian(header[36..]);
        Skip(48);
        if (pointerSize != 8) throw new InvalidDataException($"nettrace: {pointerSize * 8}-bit traces are not supported (64-bit only)");
        sink.OnTraceHeader(ProcessId);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadBlock(BlockKind kind)
    {
        Require(4);
        int size = Int32();
        int padding = (int)((4 - _position % 4) % 4);
        if (size < 0) throw new InvalidDataException("nettrace: negative block size");
        Require(padding + size);
        Skip(padding);
        ReadOnlySpan<byte> block = Bytes(size);
        switch (kind)
        {
            case BlockKind.Events: ParseEvents(block, metadata: false); break;
            case BlockKind.Metadata: ParseEvents(block, metadata: true); break;
            case BlockKind.Stacks: _stacks.Add(block); break;
            case BlockKind.SequencePoint: ParseSequencePoint(block); break;
        }
        Skip(size);
    }

    private enum BlockKind { Events, Metadata, Stacks, SequencePoint }

    private ReadOnlySpan<byte> Bytes(int count) => _buffer.AsSpan(_start, count);

    private byte Byte()
    {
        _position++;
        return _buffer[_start++];
    }

    private int Int32()
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start, 4));
        Skip(4);
        return value;
    }

    private void Skip(int count)
    {
        _start += count;
        _position += count;
    }

    /// <summary>Makes <paramref name="count"/> bytes readable at <see cref="_start"/>, reading more as needed.</summary>
    /// <exception cref="EndOfStreamException">The stream ended first.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Require(int count)
    {
        if (_end - _start >= count) return;
        if (count > _buffer.Length)
        {
            byte[] larger = GC.AllocateUninitializedArray<byte>(Math.Max(count, _buffer.Length * 2));
            _buffer.AsSpan(_start, _end - _start).CopyTo(larger);
            _buffer = larger;
        }
        else
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        }
        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            int read;
            try
            {
                read = stream.Read(_buffer, _end, _buffer.Length - _end);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                read = 0; // the session's pipe closed: the process is gone
            }
            if (read <= 0) throw new EndOfStreamException();
            _end += read;
        }
    }

    /// <summary>The few object type names, interned so reading a block allocates no string.</summary>
    private static class TypeNames
    {
        private static readonly string[] s_known = ["Trace", "EventBlock", "MetadataBlock", "StackBlock", "SPBlock"];

        public static string Intern(ReadOnlySpan<byte> utf8)
        {
            foreach (string name in s_known)
                if (utf8.Length == name.Length && Matches(utf8, name)) return name;
            return Encoding.UTF8.GetString(utf8);
        }

        private static bool Matches(ReadOnlySpan<byte> utf8, string name)
        {
            for (int i = 0; i < utf8.Length; i++)
                if (utf8[i] != name[i]) return false;
            return true;
        }
    }
}
