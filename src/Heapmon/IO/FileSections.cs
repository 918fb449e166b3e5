using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Heapmon;

/// <summary>
/// The body of a binary format: sections, each an id byte, a flags byte (bit 0: gzip), a length and the
/// payload, closed by an end section (id 0). A reader inflates only the sections it asks for, so a large
/// optional section (a heap snapshot's object graph) costs nothing to a reader that does not need it;
/// a file cut short misses its end section and is refused as truncated.
/// </summary>
internal sealed class FileSections
{
    private const byte End = 0;
    private const byte Compressed = 1;
    private const int HeaderSize = 10;

    private readonly Dictionary<byte, (ReadOnlyMemory<byte> Payload, bool Compressed)> _sections;

    private FileSections(Dictionary<byte, (ReadOnlyMemory<byte>, bool)> sections) => _sections = sections;

    /// <summary>Writes one section whose payload <paramref name="body"/> writes (compressed when <paramref name="compress"/>).</summary>
    public static void Write(Stream file, byte id, bool compress, Action<BinaryWriter> body)
    {
        if (id == End) throw new ArgumentOutOfRangeException(nameof(id), "Section id 0 closes the file.");
        var payload = new MemoryStream();
        GZipStream? gzip = compress ? new GZipStream(payload, CompressionLevel.Fastest, leaveOpen: true) : null;
        using (var writer = new BinaryWriter(gzip ?? (Stream)payload, Encoding.UTF8, leaveOpen: true))
            body(writer);
        gzip?.Dispose();
        WriteHeader(file, id, compress ? Compressed : (byte)0, payload.Length);
        file.Write(payload.GetBuffer(), 0, (int)payload.Length);
    }

    /// <summary>Closes the file: a reader refuses one without this end section.</summary>
    public static void WriteEnd(Stream file) => WriteHeader(file, End, 0, 0);

    /// <summary>Finds every section of <paramref name="body"/>.</summary>
    /// <exception cref="EndOfStreamException">The file ends inside a section or before the end section.</exception>
    public static FileSections Read(ReadOnlyMemory<byte> body)
    {
        var sections = new Dictionary<byte, (ReadOnlyMemory<byte>, bool)>();
        int at = 0;
        while (true)
        {
            if (body.Length - at < HeaderSize) throw new EndOfStreamException("the file ends before its end section");
            ReadOnlySpan<byte> header = body.Span.Slice(at, HeaderSize);
            byte id = header[0];
            long length = BinaryPrimitives.ReadInt64LittleEndian(header[2..]);
            at += HeaderSize;
            if (id == End) return new FileSections(sections);
            if (length < 0 || length > body.Length - at) throw new EndOfStreamException($"the file ends inside section {id}");
            if (!sections.TryAdd(id, (body.Slice(at, (int)length), (header[1] & Compressed) != 0)))
                throw new InvalidDataException($"section {id} appears twice");
            at += (int)length;
        }
    }

    /// <summary>Whether the file has section <paramref name="id"/>.</summary>
    public bool Has(byte id) => _sections.ContainsKey(id);

    /// <summary>A reader over section <paramref name="id"/>'s payload, inflated.</summary>
    /// <exception cref="InvalidDataException">The section is missing, or its compressed data is damaged.</exception>
    public BinaryReader Open(byte id)
    {
        if (!_sections.TryGetValue(id, out var section)) throw new InvalidDataException($"section {id} is missing");
        ReadOnlyMemory<byte> payload = section.Payload;
        if (section.Compressed)
            payload = VersionedFile.Gunzip(payload) ?? throw new InvalidDataException($"section {id}: truncated or corrupt gzip data");
        if (!MemoryMarshal.TryGetArray(payload, out ArraySegment<byte> segment)) throw new InvalidDataException($"section {id} cannot be read");
        return new BinaryReader(new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false), Encoding.UTF8);
    }

    private static void WriteHeader(Stream file, byte id, byte flags, long length)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        header[0] = id;
        header[1] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(header[2..], length);
        file.Write(header);
    }
}
