using System.Text.Json.Serialization;

namespace Heapmon.Channel;

/// <summary>Source-generated JSON for the channel's messages: no reflection in the measured process.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ChannelMessage))]
internal sealed partial class ChannelJson : JsonSerializerContext;
