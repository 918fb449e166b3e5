using System.Diagnostics;
using System.Net.Sockets;
using Heapmon.Channel;
using Heapmon.Heap;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>
/// Heapmon's agent in a measured process: one thread that serves the control channel. Loaded by attach,
/// it serves the client that attached until that client detaches or goes away, then removes itself
/// (tracking stopped, socket and folder removed, thread ended). Under <c>heapmon run</c> it serves one
/// client at a time for as long as the program runs. Another client meanwhile gets "busy", except a
/// <c>heapmon snapshot</c>, which is a request to the ongoing tracking session. It writes nothing to
/// the program's stdout or stderr.
/// </summary>
internal sealed class ChannelAgent
{
    /// <summary>An attached agent that no client reaches within this time removes itself.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The command whose extra connections are served while another client is attached.</summary>
    public const string SnapshotCommand = ChannelCommands.Snapshot;

    private static readonly object s_gate = new();
    private static ChannelAgent? s_current;

    private readonly bool _attached;
    private readonly ITrackingSession? _runSession;
    private readonly AgentListener _listener;
    private readonly Stopwatch _idle = Stopwatch.StartNew();
    private ChannelConnection? _client;
    private TrackSession? _tracking;
    private volatile bool _stopping;

    private ChannelAgent(bool attached, ITrackingSession? runSession, AgentListener listener)
    {
        _attached = attached;
        _runSession = runSession;
        _listener = listener;
    }

    /// <summary>Serves an attach on the calling thread (the bootstrap's own), returning when the client detaches; a second attach while one is served does nothing.</summary>
    public static void RunAttached()
    {
        ChannelAgent agent;
        lock (s_gate)
        {
            if (s_current is not null) return;
            // No listener, no agent: the CLI waits for the socket and says why it never came.
            s_current = agent = new ChannelAgent(attached: true, runSession: null, AgentListener.Open());
        }
        agent.Loop();
    }

    /// <summary>Starts serving the channel beside a <c>heapmon run</c> session, on a background thread of its own.</summary>
    public static void StartForRun(ITrackingSession session)
    {
        lock (s_gate)
        {
            if (s_current is not null) return;
            s_current = new ChannelAgent(attached: false, session, AgentListener.Open());
            new Thread(s_current.Loop) { IsBackground = true, Name = "Heapmon agent" }.Start();
        }
    }

    /// <summary>Closes the channel of a <c>heapmon run</c> session (at exit): the socket and its folder are removed.</summary>
    public static void Stop()
    {
        ChannelAgent? agent;
        lock (s_gate) agent = s_current;
        if (agent is null) return;
        agent._stopping = true;
        agent._listener.Dispose();
    }

    private void Loop()
    {
        try
        {
            while (!_stopping)
            {
                var readable = new List<Socket> { _listener.Socket };
                if (_client is not null) readable.Add(_client.Socket);
                Socket.Select(readable, null, null, 1_000_000);
                if (_stopping) break;
                if (readable.Contains(_listener.Socket)) Accept();
                if (_client is not null && readable.Contains(_client.Socket)) Serve();
                _tracking?.Housekeeping();
                if (_attached && _client is null && _idle.Elapsed > IdleTimeout) break;
            }
        }
        catch (Exception) when (_stopping) { /* the socket was closed under Select: the end */ }
        catch (Exception) { /* the agent never takes the program down; the client sees the connection close */ }
        finally
        {
            TearDown();
        }
    }

    private void Accept()
    {
        var connection = new ChannelConnection(_listener.Socket.Accept());
        try
        {
            ChannelMessage? refusal = AgentHandshake.Check(connection, out HelloRequest? hello);
            if (refusal is null && _client is not null && !(hello!.Command == SnapshotCommand && Session is not null))
                refusal = AgentHandshake.Busy(hello, _client);
            if (refusal is not null)
            {
                connection.Send(refusal);
                connection.Dispose();
                return;
            }
            connection.Send(new WelcomeResponse(ChannelProtocol.HeapmonVersion, Environment.ProcessId, _attached ? "attach" : "run", Session is not null));
            if (_client is null)
            {
                connection.Socket.ReceiveTimeout = 0;
                _client = connection;
                AgentHandshake.Remember(connection, hello!);
                return;
            }
            // A snapshot of the ongoing session while its owner is attached: one request, then goodbye.
            ChannelMessage? request = connection.Receive();
            if (request is SnapshotRequest) connection.Send(Handle(request));
            connection.Dispose();
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or ObjectDisposedException)
        {
            connection.Dispose();
        }
    }

    private void Serve()
    {
        ChannelMessage? request;
        try
        {
            request = _client!.Receive();
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
        {
            request = null;
        }
        if (request is null)
        {
            ClientGone();
            return;
        }
        ChannelMessage reply = Handle(request);
        try
        {
            _client!.Send(reply);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            ClientGone();
            return;
        }
        if (request is DetachRequest) ClientGone();
    }

    /// <summary>The client detached or went away: an attached agent removes itself, a run session's waits for the next.</summary>
    private void ClientGone()
    {
        _client?.Dispose();
        _client = null;
        _idle.Restart();
        if (_attached) _stopping = true;
    }

    private ITrackingSession? Session => (ITrackingSession?)_tracking ?? _runSession;

    private ChannelMessage Handle(ChannelMessage request)
    {
        try
        {
            return request switch
            {
                CensusRequest => Census(),
                GarbageRequest garbage => GarbageRequests.Handle(garbage),
                HeapSnapshotRequest heap => HeapSnapshotRequests.Handle(heap, _listener.Directory),
                StartTrackingRequest track => StartTracking(track),
                SnapshotRequest snapshot => Session is { } session ? session.TakeSnapshot(snapshot.Label) : NoSession(),
                TrackerDataRequest { Stop: true } data => StopTracking(data.FinalLabel),
                TrackerDataRequest => Session is { } current ? current.Data(_listener.Directory) : NoSession(),
                MetricsRequest metrics => _tracking is { } monitored ? monitored.Metrics(metrics.After) : NoSession(),
                DetachRequest => new DetachedResponse(),
                _ => new FailedResponse(AgentError.BadRequest, $"a '{request.GetType().Name}' is not a request this agent serves."),
            };
        }
        catch (ArgumentException e)
        {
            return new FailedResponse(AgentError.BadRequest, e.Message);
        }
        catch (KeyNotFoundException e)
        {
            return new FailedResponse(AgentError.NotFound, e.Message);
        }
        catch (Exception e)
        {
            // HeapWalkException and the like: the work failed, the program goes on.
            return new FailedResponse(AgentError.Failed, $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static CensusResponse Census()
    {
        var clock = Stopwatch.StartNew();
        // Heapmon's own objects (the agent, ClrMD, what they hold) are counted apart: the program's rows are the program's.
        HeapCensus census = HeapCensus.TakeApartFromProfiler();
        return new CensusResponse(census.Types, census.Generations, census.ObjectCount, census.TotalBytes, census.FreeCount, census.FreeBytes, clock.Elapsed.TotalMilliseconds)
        {
            ProfilerTypes = census.ProfilerTypes,
        };
    }

    private ChannelMessage StartTracking(StartTrackingRequest request)
    {
        if (!_attached) return new FailedResponse(AgentError.NoSession, "this process is profiled by heapmon run already: use heapmon snapshot --pid for a snapshot of that session.");
        if (_tracking is not null) return new FailedResponse(AgentError.NoSession, "a tracking session is going on already.");
        _tracking = TrackSession.Start(request);
        return _tracking.Started;
    }

    private ChannelMessage StopTracking(string? label)
    {
        if (_tracking is null) return NoSession();
        try
        {
            return _tracking.Stop(label, _listener.Directory);
        }
        finally
        {
            _tracking.Dispose();
            _tracking = null;
        }
    }

    private static FailedResponse NoSession() =>
        new(AgentError.NoSession, "no tracking session is going on in this process (start one with heapmon track --pid, or heapmon run).");

    private void TearDown()
    {
        _tracking?.Dispose();
        _tracking = null;
        _client?.Dispose();
        _client = null;
        _listener.Dispose();
        lock (s_gate)
            if (s_current == this) s_current = null;
    }
}
