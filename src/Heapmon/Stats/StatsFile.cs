using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Reads and writes stats files: gzip-compressed JSON whose first two properties are the format name
/// and version (docs/stats.md), through <see cref="VersionedFile"/>: writing is atomic; reading either
/// returns a checked model or throws <see cref="HeapmonFormatException"/> with one line naming the problem.
/// </summary>
internal static class StatsFile
{
    /// <summary>The value of the document's <c>format</c> property.</summary>
    public static string FormatName => FileFormat.Stats.Name;

    /// <summary>The newest version this build writes and reads.</summary>
    public static int FormatVersion => FileFormat.Stats.Version;

    private static readonly JsonTypeInfo<StatsFileDto> s_typeInfo = CreateTypeInfo();

    public static void Write(string path, TrackerData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        StatsFileDto dto = StatsCodec.Encode(data);
        VersionedFile.Write(path, FileFormat.Stats, stream => JsonSerializer.Serialize(stream, dto, s_typeInfo));
    }

    public static TrackerData Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return VersionedFile.Read(path, FileFormat.Stats, content =>
        {
            StatsFileDto dto = JsonSerializer.Deserialize(content.Bytes.Span, s_typeInfo)
                ?? throw new InvalidDataException("empty document");
            return StatsCodec.Decode(dto);
        });
    }

    private static JsonTypeInfo<StatsFileDto> CreateTypeInfo()
    {
        var options = new JsonSerializerOptions(StatsJsonContext.Default.Options)
        {
            // Snapshot.Total is computed from the other members: not stored.
            TypeInfoResolver = StatsJsonContext.Default.WithAddedModifier(info =>
            {
                if (info.Type != typeof(Snapshot)) return;
                for (int i = info.Properties.Count - 1; i >= 0; i--)
                    if (info.Properties[i].Name == "total") info.Properties.RemoveAt(i);
            }),
        };
        return (JsonTypeInfo<StatsFileDto>)options.GetTypeInfo(typeof(StatsFileDto));
    }
}
