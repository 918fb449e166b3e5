using Heapmon.Channel;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>A tracking session the agent can take snapshots of and read: one started by <c>heapmon track</c>, or the <c>heapmon run</c> session.</summary>
internal interface ITrackingSession
{
    /// <summary>Takes a labelled snapshot (a default label when none is given).</summary>
    SnapshotResponse TakeSnapshot(string? label);

    /// <summary>Everything recorded so far, as a stats dump written into <paramref name="scratchDirectory"/> and read back.</summary>
    TrackerDataResponse Data(string scratchDirectory);
}
