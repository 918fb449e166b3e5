using System.Runtime.CompilerServices;
using Heapmon.Channel;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>
/// The first exchange on every connection: the peer's uid must be this process's (SO_PEERCRED, checked
/// before a byte is read), and its hello must name this protocol, version and Heapmon version.
/// </summary>
internal static class AgentHandshake
{
    /// <summary>How long a new client may take to say hello.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(5);

    private static readonly ConditionalWeakTable<ChannelConnection, HelloRequest> s_hellos = [];

    /// <summary>Null when the client may go on (its hello in <paramref name="hello"/>), otherwise the refusal to send it.</summary>
    public static ChannelMessage? Check(ChannelConnection connection, out HelloRequest? hello)
    {
        hello = null;
        PeerCredentials peer = connection.Peer;
        uint self = PeerCredentials.EffectiveUserId;
        if (peer.UserId != self)
            return new FailedResponse(AgentError.Forbidden,
                $"refused: process {Environment.ProcessId} belongs to uid {self} and only that user may attach (the client runs as uid {peer.UserId}).");
        connection.Socket.ReceiveTimeout = (int)HelloTimeout.TotalMilliseconds;
        if (connection.Receive() is not HelloRequest h)
            return new FailedResponse(AgentError.BadRequest, "a connection must start with a hello.");
        hello = h;
        if (h.Protocol != ChannelProtocol.Name || h.ProtocolVersion != ChannelProtocol.Version || h.HeapmonVersion != ChannelProtocol.HeapmonVersion)
            return new FailedResponse(AgentError.VersionMismatch,
                $"process {Environment.ProcessId} has the agent of Heapmon {ChannelProtocol.HeapmonVersion} loaded (protocol {ChannelProtocol.Version}) " +
                $"and this is Heapmon {h.HeapmonVersion} (protocol {h.ProtocolVersion}): use heapmon {ChannelProtocol.HeapmonVersion} with this process; its agent stays loaded until it exits.");
        return null;
    }

    /// <summary>Keeps the attached client's hello, for the message other clients get.</summary>
    public static void Remember(ChannelConnection connection, HelloRequest hello) => s_hellos.AddOrUpdate(connection, hello);

    /// <summary>The refusal for a client that comes while <paramref name="attached"/> is served.</summary>
    public static FailedResponse Busy(HelloRequest hello, ChannelConnection attached)
    {
        string who = s_hellos.TryGetValue(attached, out HelloRequest? owner)
            ? $"heapmon {owner.Command} (pid {attached.Peer.ProcessId})"
            : "another heapmon";
        return new FailedResponse(AgentError.Busy, $"process {Environment.ProcessId} is busy: {who} is attached to it; try again when it has finished.");
    }
}
