namespace Heapmon.Model;

/// <summary>
/// Everything a tracker recorded, as plain data: what a stats dump holds and what every renderer
/// reads, so a dump file and a live tracker render identically.
/// </summary>
/// <param name="Run">Which process was measured, and when.</param>
/// <param name="Snapshots">Snapshots in the order they were taken.</param>
/// <param name="Classes">Tracked classes in the order they were announced.</param>
/// <param name="Objects">Tracked objects in announcement order (individual objects and class instances).</param>
public sealed record TrackerData(
    RunInfo Run,
    IReadOnlyList<Snapshot> Snapshots,
    IReadOnlyList<TrackedClassRecord> Classes,
    IReadOnlyList<TrackedObjectRecord> Objects);

/// <summary>The process a tracker ran in.</summary>
public sealed record RunInfo(string ProcessName, int ProcessId, string CommandLine, string RuntimeVersion, string HeapmonVersion, DateTimeOffset Started);

/// <summary>A class tracked with <c>TrackClass</c> and its parameters.</summary>
/// <param name="ClassName">Full name of the tracked type (for an open generic, its definition name).</param>
/// <param name="ResolutionLevel">Per-referent depth for its instances.</param>
/// <param name="Trace">Whether instantiation traces were recorded.</param>
/// <param name="Sites">Instantiation sites with estimated counts, when traces were recorded.</param>
public sealed record TrackedClassRecord(string ClassName, int ResolutionLevel, bool Trace, IReadOnlyList<InstantiationSite> Sites);

/// <summary>Where instances of a traced class were created, from sampled allocations: an estimate with its 95% interval.</summary>
/// <param name="Frames">Stack frames, most recent first, as <c>Method (File.cs:123)</c>.</param>
/// <param name="Samples">Number of allocation samples behind the estimate.</param>
/// <param name="EstimatedCount">Unbiased estimate of instances created there.</param>
/// <param name="Low">Lower bound of the 95% interval.</param>
/// <param name="High">Upper bound of the 95% interval.</param>
public sealed record InstantiationSite(IReadOnlyList<string> Frames, int Samples, double EstimatedCount, double Low, double High);
