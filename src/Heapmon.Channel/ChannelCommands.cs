namespace Heapmon.Channel;

/// <summary>Command names a hello carries that the agent treats specially.</summary>
internal static class ChannelCommands
{
    /// <summary><c>heapmon snapshot</c>: served while another client (the <c>heapmon track</c> that owns the session) is attached.</summary>
    public const string Snapshot = "snapshot";
}
