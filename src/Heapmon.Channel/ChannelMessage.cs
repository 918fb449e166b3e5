using System.Text.Json.Serialization;
using Heapmon.Garbage;
using Heapmon.Heap;
using Heapmon.Model;

namespace Heapmon.Channel;

/// <summary>
/// One message on the control channel: a request from the CLI or the agent's answer to it. A new
/// request is a new derived record with its own discriminator here, and a handler in the agent.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HelloRequest), "hello")]
[JsonDerivedType(typeof(CensusRequest), "census")]
[JsonDerivedType(typeof(StartTrackingRequest), "start-tracking")]
[JsonDerivedType(typeof(SnapshotRequest), "snapshot")]
[JsonDerivedType(typeof(TrackerDataRequest), "tracker-data")]
[JsonDerivedType(typeof(GarbageRequest), "garbage")]
[JsonDerivedType(typeof(MetricsRequest), "metrics")]
[JsonDerivedType(typeof(DetachRequest), "detach")]
[JsonDerivedType(typeof(HeapSnapshotRequest), "heap-snapshot")]
[JsonDerivedType(typeof(WelcomeResponse), "welcome")]
[JsonDerivedType(typeof(FailedResponse), "failed")]
[JsonDerivedType(typeof(CensusResponse), "census-result")]
[JsonDerivedType(typeof(TrackingStartedResponse), "tracking-started")]
[JsonDerivedType(typeof(SnapshotResponse), "snapshot-taken")]
[JsonDerivedType(typeof(TrackerDataResponse), "tracker-data-result")]
[JsonDerivedType(typeof(GarbageResponse), "garbage-result")]
[JsonDerivedType(typeof(MetricsResponse), "metrics-result")]
[JsonDerivedType(typeof(DetachedResponse), "detached")]
[JsonDerivedType(typeof(HeapSnapshotResponse), "heap-snapshot-taken")]
internal abstract record ChannelMessage;

/// <summary>The first frame of every connection: who asks, and in which protocol and Heapmon version.</summary>
/// <param name="Protocol">Always <see cref="ChannelProtocol.Name"/>.</param>
/// <param name="ProtocolVersion">The message version the client speaks.</param>
/// <param name="HeapmonVersion">The client's Heapmon version; the agent's must be the same.</param>
/// <param name="Command">The command that connects (for the "busy" message another client gets).</param>
/// <param name="ClientProcessId">The client's pid, as it sees itself.</param>
internal sealed record HelloRequest(string Protocol, int ProtocolVersion, string HeapmonVersion, string Command, int ClientProcessId) : ChannelMessage;

/// <summary>The whole-heap census (dumpheap -stat).</summary>
internal sealed record CensusRequest : ChannelMessage;

/// <summary>Starts a tracking session, as <c>heapmon run --track</c> would at start.</summary>
/// <param name="Patterns">Type patterns (<c>MyApp.Nodes.*</c>, <c>*Node</c>, <c>Employee</c>).</param>
/// <param name="ResolutionLevel">Per-referent size tree depth (Pympler: resolution_level).</param>
/// <param name="Trace">Whether to record where tracked instances are created.</param>
/// <param name="IntervalSeconds">Periodic snapshots every so many seconds, or none.</param>
/// <param name="MaxSnapshots">Snapshots the session keeps, the newest (<c>heapmon monitor</c> keeps two); null keeps every one.</param>
internal sealed record StartTrackingRequest(IReadOnlyList<string> Patterns, int ResolutionLevel, bool Trace, double? IntervalSeconds, int? MaxSnapshots = null) : ChannelMessage;

/// <summary>One labelled snapshot of the ongoing tracking session (what SIGUSR2 does for <c>heapmon run</c>).</summary>
internal sealed record SnapshotRequest(string? Label) : ChannelMessage;

/// <summary>Everything the tracking session recorded so far; with <paramref name="Stop"/>, a last snapshot labelled <paramref name="FinalLabel"/> and the end of the session.</summary>
internal sealed record TrackerDataRequest(bool Stop, string? FinalLabel) : ChannelMessage;

/// <summary>Retention paths to the largest instances of a type, cycles among them, finalizer-only garbage.</summary>
/// <param name="TypeName">A full type name (<c>MyApp.Session</c>) or, without a dot, a simple one.</param>
/// <param name="Paths">How many instances to explain, largest first.</param>
/// <param name="Cycles">Also look for reference cycles among the type's instances.</param>
/// <param name="Finalizer">Also report objects only the finalizer queue keeps.</param>
internal sealed record GarbageRequest(string TypeName, int Paths, bool Cycles, bool Finalizer) : ChannelMessage;

/// <summary>The tracking session's latest figures, as its tracker publishes them to the Heapmon meter (<c>heapmon monitor</c>).</summary>
/// <param name="After">How many snapshots the client has seen: the durations of later ones come back.</param>
internal sealed record MetricsRequest(long After) : ChannelMessage;

/// <summary>A whole-heap snapshot with retained sizes (<c>heapmon heap snapshot --pid</c>).</summary>
/// <param name="Graph">Keep the object graph in the file.</param>
/// <param name="TopRetainers">How many of the largest retainers to keep.</param>
internal sealed record HeapSnapshotRequest(bool Graph, int TopRetainers) : ChannelMessage;

/// <summary>Ends the connection; an agent loaded by attach removes itself.</summary>
internal sealed record DetachRequest : ChannelMessage;

/// <summary>The agent accepts the connection.</summary>
/// <param name="HeapmonVersion">The agent's Heapmon version.</param>
/// <param name="ProcessId">The target's pid as it sees itself.</param>
/// <param name="Mode"><c>attach</c> or <c>run</c>.</param>
/// <param name="Tracking">Whether a tracking session is going on.</param>
internal sealed record WelcomeResponse(string HeapmonVersion, int ProcessId, string Mode, bool Tracking) : ChannelMessage;

/// <summary>The request was refused or failed; <paramref name="Message"/> is one line for the user.</summary>
internal sealed record FailedResponse(AgentError Error, string Message) : ChannelMessage;

/// <summary>A whole-heap census as plain rows.</summary>
internal sealed record CensusResponse(
    IReadOnlyList<TypeStatistics> Types, IReadOnlyList<GenerationStatistics> Generations,
    long ObjectCount, long TotalBytes, long FreeCount, long FreeBytes, double Milliseconds) : ChannelMessage
{
    /// <summary>The agent's own objects (Heapmon, ClrMD and what they hold), left out of the other figures.</summary>
    public IReadOnlyList<TypeStatistics> ProfilerTypes { get; init; } = [];
}

/// <summary>A tracking session started: the types matched so far, and the patterns that matched none.</summary>
internal sealed record TrackingStartedResponse(IReadOnlyList<string> MatchedTypes, IReadOnlyList<string> UnmatchedPatterns, int AssemblyCount) : ChannelMessage;

/// <summary>A snapshot was taken.</summary>
internal sealed record SnapshotResponse(int Index, string? Label, IReadOnlyList<ClassSummary> Classes) : ChannelMessage;

/// <summary>What the session recorded, as a stats dump (the format <c>heapmon stats</c> reads).</summary>
/// <param name="StatsDump">The dump's bytes.</param>
/// <param name="SnapshotCount">Snapshots in it.</param>
/// <param name="UnmatchedPatterns">Patterns that still match no type.</param>
/// <param name="AssemblyCount">Assemblies examined for the patterns.</param>
internal sealed record TrackerDataResponse(byte[] StatsDump, int SnapshotCount, IReadOnlyList<string> UnmatchedPatterns, int AssemblyCount) : ChannelMessage;

/// <summary>The answers to a <see cref="GarbageRequest"/>, as the library's plain reports.</summary>
internal sealed record GarbageResponse(
    string TypeName, int InstanceCount, long InstanceBytes, IReadOnlyList<RetentionReport> Retention,
    CycleReport? Cycles, FinalizerGarbageReport? Finalizer) : ChannelMessage;

/// <summary>The answer to a <see cref="MetricsRequest"/>.</summary>
/// <param name="Latest">The newest snapshot, if one was taken.</param>
/// <param name="Published">Snapshots taken by the session so far.</param>
/// <param name="CpuSeconds">CPU time those snapshots took in the process.</param>
/// <param name="Durations">Wall time of each snapshot after the one the client had seen (the last 64 at most), in seconds.</param>
internal sealed record MetricsResponse(Snapshot? Latest, long Published, double CpuSeconds, IReadOnlyList<double> Durations) : ChannelMessage;

/// <summary>A heap snapshot taken in the target, as the bytes of its <c>.heapsnap</c> file (the CLI checks and writes it).</summary>
/// <param name="SnapshotFile">The file's bytes.</param>
/// <param name="ObjectCount">Objects walked.</param>
/// <param name="TotalBytes">Their shallow bytes.</param>
/// <param name="Milliseconds">How long the snapshot took in the target.</param>
internal sealed record HeapSnapshotResponse(byte[] SnapshotFile, long ObjectCount, long TotalBytes, double Milliseconds) : ChannelMessage;

/// <summary>The agent let go of the connection (and, when loaded by attach, of the process).</summary>
internal sealed record DetachedResponse : ChannelMessage;

/// <summary>Why an agent refused or failed a request.</summary>
internal enum AgentError
{
    /// <summary>Another client is attached.</summary>
    Busy,
    /// <summary>The client runs as another user than the process.</summary>
    Forbidden,
    /// <summary>The client's Heapmon or protocol version is not the agent's.</summary>
    VersionMismatch,
    /// <summary>The request is not one this agent knows, or is malformed.</summary>
    BadRequest,
    /// <summary>No tracking session to take a snapshot of, or one is already going on.</summary>
    NoSession,
    /// <summary>A type named in the request is not loaded, or the request cannot be met.</summary>
    NotFound,
    /// <summary>The work itself failed (the message says how).</summary>
    Failed,
}
