using System.Text.Json.Serialization;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// The JSON document inside a stats file, format version 1 (docs/stats.md describes it). Run,
/// snapshots and classes are the model records as they are; tracked objects carry run-length
/// encoded series, which keeps 10 million size samples small and fast to parse.
/// </summary>
internal sealed class StatsFileDto
{
    /// <summary>Always <see cref="StatsFile.FormatName"/>; the first property of the document.</summary>
    [JsonPropertyOrder(-2)]
    public required string Format { get; set; }

    /// <summary>The format version; the second property, so a reader can refuse a newer file before parsing the rest.</summary>
    [JsonPropertyOrder(-1)]
    public required int Version { get; set; }

    public required RunInfo Run { get; set; }

    public required List<Snapshot> Snapshots { get; set; }

    public required List<TrackedClassRecord> Classes { get; set; }

    /// <summary>Class names, referent names and types, trace frames: every repeated string once.</summary>
    public required List<string> Strings { get; set; }

    public required List<ObjectDto> Objects { get; set; }
}

/// <summary>One tracked object; its size series are run-length encoded, so an object whose size rarely changes costs a few numbers.</summary>
internal sealed class ObjectDto
{
    public long Id { get; set; }

    /// <summary>Index of the class name in <see cref="StatsFileDto.Strings"/>.</summary>
    public int Class { get; set; }

    public required string Name { get; set; }

    /// <summary>Birth as ticks after the run's start.</summary>
    public long Birth { get; set; }

    /// <summary>Birth's UTC offset in minutes, when it differs from the run start's.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BirthOffset { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Death { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DeathOffset { get; set; }

    public int Level { get; set; }

    /// <summary>Instantiation frames as indices into <see cref="StatsFileDto.Strings"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? Trace { get; set; }

    /// <summary>Sampled snapshots as runs of consecutive indices: [first, count, first, count, ...].</summary>
    public int[]? Snap { get; set; }

    /// <summary>Deep sizes, one per sample, as runs of equal differences to the previous size (the first to 0): [delta, repeats, ...].</summary>
    public long[]? Size { get; set; }

    /// <summary>Flat sizes as runs of equal differences, like <see cref="Size"/>.</summary>
    public long[]? Flat { get; set; }

    /// <summary>Per sample, the node count of its referent tree (0: none); absent when no sample has one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? Refs { get; set; }

    /// <summary>Referent tree nodes in pre-order, five numbers each: name index, type index, size, flat, child count.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long[]? Nodes { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    Converters = [typeof(NumberArrayConverter<long>), typeof(NumberArrayConverter<int>)])]
[JsonSerializable(typeof(StatsFileDto))]
internal sealed partial class StatsJsonContext : JsonSerializerContext;
