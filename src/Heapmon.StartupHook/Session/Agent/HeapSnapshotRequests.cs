using System.Diagnostics;
using Heapmon.Channel;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.StartupHook.Session.Agent;

/// <summary>
/// <c>heapmon heap snapshot --pid</c> inside the target: the library's <see cref="HeapSnapshot.Take(HeapSnapshotOptions)"/>, saved with the
/// public <see cref="HeapSnapshotFile.Save"/> into the agent's private folder, read back as bytes and removed at once.
/// Only the walk and the dominators need the target's memory; the CLI checks, writes and prints the file.
/// </summary>
internal static class HeapSnapshotRequests
{
    public static HeapSnapshotResponse Handle(HeapSnapshotRequest request, string scratchDirectory)
    {
        var options = new HeapSnapshotOptions { IncludeGraph = request.Graph, TopRetainers = request.TopRetainers };
        var clock = Stopwatch.StartNew();
        HeapSnapshotData snapshot = HeapSnapshot.Take(options);
        double ms = clock.Elapsed.TotalMilliseconds;
        string path = Path.Combine(scratchDirectory, $"heap-{Guid.NewGuid():N}.heapsnap");
        try
        {
            HeapSnapshotFile.Save(snapshot, path);
            return new HeapSnapshotResponse(File.ReadAllBytes(path), snapshot.ObjectCount, snapshot.TotalBytes, ms);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
