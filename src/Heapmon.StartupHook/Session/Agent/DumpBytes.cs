using Heapmon.Channel;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>
/// Tracker data travels as a stats dump, the library's compact versioned format (runs of equal sizes
/// cost two numbers): written with the public <see cref="TrackerStats.DumpStats"/> into the agent's
/// private folder, read back, and removed at once. The CLI renders and writes every output itself.
/// </summary>
internal static class DumpBytes
{
    public static TrackerDataResponse Of(TrackerData data, string scratchDirectory, IEnumerable<string> unmatched, int assemblies)
    {
        string path = Path.Combine(scratchDirectory, $"data-{Guid.NewGuid():N}.json.gz");
        try
        {
            new TrackerStats(data).DumpStats(path);
            return new TrackerDataResponse(File.ReadAllBytes(path), data.Snapshots.Count, [.. unmatched], assemblies);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The plain answer to a snapshot request.</summary>
    public static SnapshotResponse Describe(Snapshot snapshot) => new(snapshot.Index, snapshot.Description, snapshot.Classes);
}
