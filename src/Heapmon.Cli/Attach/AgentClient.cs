using System.Net.Sockets;
using Heapmon.Channel;

namespace Heapmon.Cli.Attach;

/// <summary>
/// heapmon's end of the channel to an agent: one request at a time, each answer checked for its type;
/// a refusal becomes an <see cref="AttachException"/> with its exit code, a closed connection "the
/// process exited" when it did. Disposing detaches.
/// </summary>
internal sealed class AgentClient : IDisposable
{
    private readonly ChannelConnection _connection;
    private bool _detached;

    public AgentClient(TargetProcess target, ChannelConnection connection, WelcomeResponse welcome)
    {
        Target = target;
        _connection = connection;
        Welcome = welcome;
    }

    /// <summary>The process at the other end.</summary>
    public TargetProcess Target { get; }

    /// <summary>The agent's welcome.</summary>
    public WelcomeResponse Welcome { get; }

    /// <summary>Sends <paramref name="request"/> and returns the answer, which must be a <typeparamref name="T"/>.</summary>
    public T Request<T>(ChannelMessage request) where T : ChannelMessage
    {
        ChannelMessage? reply;
        try
        {
            _connection.Send(request);
            reply = _connection.Receive();
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
        {
            throw Lost(e.Message);
        }
        return reply switch
        {
            T answer => answer,
            FailedResponse failed => throw Refusal(failed),
            null => throw Lost("the connection closed"),
            _ => throw new AttachException(AttachExitCode.VersionMismatch, $"the agent in {Target.Describe} answered with a {reply.GetType().Name}; it does not speak this heapmon's protocol."),
        };
    }

    /// <summary>Turns an agent's refusal into the error heapmon reports.</summary>
    public static Exception Refusal(FailedResponse failed) => failed.Error switch
    {
        AgentError.Busy => new AttachException(AttachExitCode.Busy, failed.Message),
        AgentError.VersionMismatch => new AttachException(AttachExitCode.VersionMismatch, failed.Message),
        AgentError.Forbidden => new AttachException(AttachExitCode.AnotherUser, failed.Message),
        AgentError.NoSession => new AttachException(AttachExitCode.NoSession, failed.Message),
        AgentError.BadRequest or AgentError.NotFound => new CliUsageException(failed.Message),
        _ => new AttachException(AttachExitCode.Failed, failed.Message),
    };

    private AttachException Lost(string why) => !TargetProcess.HasExited(Target.Pid)
        ? new AttachException(AttachExitCode.AgentNotAnswering, $"the agent in {Target.Describe} stopped answering ({why}).")
        : new AttachException(AttachExitCode.TargetExited, $"{Target.Describe} exited during the command.");

    /// <summary>Detaches: an agent loaded by attach stops everything it started and removes itself.</summary>
    public void Detach()
    {
        if (_detached) return;
        _detached = true;
        Request<DetachedResponse>(new DetachRequest());
    }

    public void Dispose()
    {
        try
        {
            if (!_detached) Detach();
        }
        catch (Exception e) when (e is AttachException or CliUsageException) { /* going away anyway: the agent detaches when the connection closes */ }
        finally
        {
            _connection.Dispose();
        }
    }
}
