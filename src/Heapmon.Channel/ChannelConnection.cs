using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;

namespace Heapmon.Channel;

/// <summary>
/// One end of a channel connection: whole messages in, whole messages out, over a connected Unix
/// domain socket. Not thread-safe: one request at a time, answered before the next.
/// </summary>
internal sealed class ChannelConnection : IDisposable
{
    private readonly NetworkStream _stream;

    public ChannelConnection(Socket socket)
    {
        Socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The underlying socket (for its peer's credentials and timeouts).</summary>
    public Socket Socket { get; }

    /// <summary>The peer's pid and uid, from the kernel (SO_PEERCRED), as seen from this process's namespace.</summary>
    public PeerCredentials Peer => PeerCredentials.Of(Socket);

    /// <summary>Sends one message as one frame.</summary>
    public void Send(ChannelMessage message)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(message, ChannelJson.Default.ChannelMessage);
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, body.Length);
        _stream.Write(header);
        _stream.Write(body);
        _stream.Flush();
    }

    /// <summary>Reads the next message; null when the peer closed the connection cleanly between messages.</summary>
    /// <exception cref="InvalidDataException">A frame is too large, truncated or not a message of this protocol.</exception>
    public ChannelMessage? Receive()
    {
        Span<byte> header = stackalloc byte[4];
        int got = ReadFully(header);
        if (got == 0) return null;
        if (got < 4) throw new InvalidDataException("the connection closed in the middle of a frame");
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length <= 0 || length > ChannelProtocol.MaxFrameBytes)
            throw new InvalidDataException($"a frame of {length} bytes is not a Heapmon channel message");
        byte[] body = new byte[length];
        if (ReadFully(body) < length) throw new InvalidDataException("the connection closed in the middle of a frame");
        try
        {
            return JsonSerializer.Deserialize(body, ChannelJson.Default.ChannelMessage)
                ?? throw new InvalidDataException("an empty message");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new InvalidDataException($"not a message this Heapmon understands ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private int ReadFully(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose() => _stream.Dispose();
}
