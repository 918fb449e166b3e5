namespace Heapmon;

/// <summary>How a format's body is laid out after its header.</summary>
internal enum FileEncoding
{
    /// <summary>A JSON object whose first two properties are <c>"format"</c> and <c>"version"</c>.</summary>
    Json,
    /// <summary>A binary header (magic, format name, version) and then sections (see <see cref="FileSections"/>).</summary>
    Binary,
}

/// <summary>
/// One of Heapmon's file formats: its name and newest version as written in every file's header, and
/// the words messages use for it. Every format is read and written through <see cref="VersionedFile"/>.
/// </summary>
/// <param name="Name">The name in the header ("heapmon-stats").</param>
/// <param name="Version">The newest version this build writes and reads.</param>
/// <param name="Noun">What users call a file of it ("stats file").</param>
/// <param name="Short">The short name in "corrupt … data" and "… format version" ("stats").</param>
/// <param name="Encoding">JSON or binary.</param>
/// <param name="Gzip">Whether the whole file is gzip-compressed (JSON formats; binary formats compress per section).</param>
internal sealed record FileFormat(string Name, int Version, string Noun, string Short, FileEncoding Encoding, bool Gzip)
{
    /// <summary>Tracker stats dumps (docs/stats.md).</summary>
    public static FileFormat Stats { get; } = new("heapmon-stats", 1, "stats file", "stats", FileEncoding.Json, Gzip: true);

    /// <summary>Allocation tracer snapshots (docs/allocations.md).</summary>
    public static FileFormat Allocations { get; } = new("heapmon-allocations", 1, "allocation snapshot", "allocation snapshot", FileEncoding.Json, Gzip: false);

    /// <summary>Whole-heap snapshots (docs/heap.md).</summary>
    public static FileFormat HeapSnapshot { get; } = new("heapmon-heap-snapshot", 1, "heap snapshot", "heap snapshot", FileEncoding.Binary, Gzip: false);

    /// <summary>Every format, to name the one a wrong file has.</summary>
    public static IReadOnlyList<FileFormat> All { get; } = [Stats, Allocations, HeapSnapshot];
}
