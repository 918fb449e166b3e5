using System.Reflection;

namespace Heapmon.Channel;

/// <summary>
/// The fixed part of the control channel, the same in every Heapmon version: each frame is a 4-byte
/// little-endian length and that many bytes of UTF-8 JSON, and the first frame a client sends is a
/// <see cref="HelloRequest"/>. Everything after the hello may change between versions, so an agent and
/// a CLI of different Heapmon versions refuse each other at the hello, by name, instead of misreading.
/// </summary>
internal static class ChannelProtocol
{
    /// <summary>The protocol's name in the hello.</summary>
    public const string Name = "heapmon-agent";

    /// <summary>The version of the messages after the hello; raised whenever one changes.</summary>
    public const int Version = 3;

    /// <summary>The largest frame either side accepts (a stats dump of a long tracking session fits).</summary>
    public const int MaxFrameBytes = 1 << 30;

    /// <summary>This build's Heapmon version; agent and CLI must have the same one.</summary>
    public static string HeapmonVersion { get; } =
        typeof(ChannelProtocol).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ChannelProtocol).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The hello this build sends, naming the command that connects.</summary>
    public static HelloRequest Hello(string command) => new(Name, Version, HeapmonVersion, command, Environment.ProcessId);
}
