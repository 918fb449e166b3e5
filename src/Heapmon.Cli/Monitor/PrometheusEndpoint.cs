using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Heapmon.Cli.Monitor;

/// <summary>
/// <c>--prometheus [ADDRESS:]PORT</c>: serves <c>GET /metrics</c> in Prometheus's text format from the heapmon
/// process (the sidecar model of dotnet-monitor), so the measured program carries no exporter. It binds to
/// 127.0.0.1 unless an address is given, and binds before heapmon attaches: a port in use is refused first.
/// </summary>
internal sealed class PrometheusEndpoint : IDisposable
{
    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Func<string> _render;
    private readonly Thread _thread;
    private volatile bool _stopping;

    private PrometheusEndpoint(Socket socket, Func<string> render)
    {
        _socket = socket;
        _render = render;
        _thread = new Thread(Serve) { IsBackground = true, Name = "heapmon prometheus endpoint" };
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Binds <paramref name="endPoint"/> and serves <paramref name="render"/>'s text at /metrics.</summary>
    /// <exception cref="CliUsageException">The port is in use, or the address is not this machine's.</exception>
    public static PrometheusEndpoint Start(IPEndPoint endPoint, Func<string> render)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(16);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new CliUsageException(e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"--prometheus {Format(endPoint)}: the port is in use; choose another (e.g. --prometheus {endPoint.Address}:0 picks a free one)",
                SocketError.AddressNotAvailable => $"--prometheus {Format(endPoint)}: that address is not one of this machine's",
                SocketError.AccessDenied => $"--prometheus {Format(endPoint)}: binding that port needs privileges; use one above 1023",
                _ => $"--prometheus {Format(endPoint)}: cannot listen there ({e.Message})",
            });
        }
        var endpoint = new PrometheusEndpoint(socket, render);
        endpoint._thread.Start();
        return endpoint;
    }

    /// <summary>Reads <c>PORT</c>, <c>ADDRESS:PORT</c> or <c>[IPV6]:PORT</c>; an address-less port means 127.0.0.1.</summary>
    /// <exception cref="CliUsageException">Not an address and port.</exception>
    public static IPEndPoint Parse(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= IPEndPoint.MaxPort)
            return new IPEndPoint(IPAddress.Loopback, port);
        int colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort)
        {
            string host = text[..colon];
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, port);
            bool bracketed = host.StartsWith('[') && host.EndsWith(']');
            if (bracketed) host = host[1..^1];
            if ((bracketed || !host.Contains(':')) && IPAddress.TryParse(host, out IPAddress? address)) return new IPEndPoint(address, port);
        }
        throw new CliUsageException($"--prometheus takes PORT or ADDRESS:PORT (127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464), not '{text}'");
    }

    public static string Format(IPEndPoint endPoint) => endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : $"{endPoint.Address}:{endPoint.Port}";

    private void Serve()
    {
        while (!_stopping)
        {
            Socket client;
            try { client = _socket.Accept(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            // One scrape at a time, each bounded: a slow or silent client cannot hold the endpoint for long.
            using (client) Answer(client);
        }
    }

    private void Answer(Socket client)
    {
        try
        {
            client.ReceiveTimeout = client.SendTimeout = (int)s_requestTimeout.TotalMilliseconds;
            string? target = ReadRequestTarget(client);
            (string status, string body) = target switch
            {
                null => ("400 Bad Request", "a GET request was expected\n"),
                "/metrics" or "/" => ("200 OK", _render()),
                _ => ("404 Not Found", "heapmon serves /metrics\n"),
            };
            byte[] payload = Encoding.UTF8.GetBytes(body);
            string head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n";
            client.Send(Encoding.ASCII.GetBytes(head));
            client.Send(payload);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException) { /* the scraper went away */ }
    }

    /// <summary>The path of a GET request (query left out), or null for anything else.</summary>
    private static string? ReadRequestTarget(Socket client)
    {
        var buffer = new byte[MaxRequestBytes];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = client.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
            if (n == 0) break;
            read += n;
            if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0) break;
        }
        string head = Encoding.ASCII.GetString(buffer, 0, read);
        string[] words = head.Split('\n', 2)[0].Trim().Split(' ');
        if (words.Length < 2 || words[0] is not ("GET" or "HEAD")) return null;
        return words[1].Split('?', 2)[0];
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(6));
    }
}
