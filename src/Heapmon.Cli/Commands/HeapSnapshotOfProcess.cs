using System.Globalization;
using Heapmon.Channel;
using Heapmon.Cli.Attach;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon heap snapshot --pid PID -o FILE</c>: the agent takes the heap snapshot in the running process and sends
/// the file's bytes back; here they are read back through the library's loader (which checks them), written atomically
/// and printed with the same report as <c>--demo</c> (dotnet-gcdump collect, with retained sizes).
/// </summary>
internal static class HeapSnapshotOfProcess
{
    public static int Run(CliContext context, int pid, string path, bool graph, int top)
    {
        TargetProcess target = TargetProcess.Probe(pid);
        HeapSnapshotResponse response;
        using (AgentClient agent = AgentConnector.Open(target, "heap snapshot", context.Error))
        {
            context.Note($"taking a heap snapshot of {target.Describe}");
            response = agent.Request<HeapSnapshotResponse>(new HeapSnapshotRequest(graph, HeapSnapshotOptions.Default.TopRetainers));
            agent.Detach();
        }
        context.Note(string.Create(CultureInfo.InvariantCulture,
            $"walked {response.ObjectCount:N0} objects ({ByteUnits.Compact(response.TotalBytes)}) in {response.Milliseconds:F0} ms{(graph ? ", object graph kept" : "")}; detached"));
        HeapSnapshotData snapshot = Check(response.SnapshotFile);
        OutputFiles.WriteAll(context, [(path, () => AtomicFile.Write(path, stream => stream.Write(response.SnapshotFile)))]);
        HeapReport.WriteSnapshot(snapshot, context.Output, top);
        return 0;
    }

    /// <summary>The snapshot the bytes hold, through the loader every .heapsnap goes through: a damaged transfer is an error, never a bad file.</summary>
    private static HeapSnapshotData Check(byte[] file)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"heapmon-{Environment.ProcessId}-{Guid.NewGuid():N}.heapsnap");
        try
        {
            File.WriteAllBytes(temp, file);
            return HeapSnapshotFile.Load(temp);
        }
        catch (HeapmonFormatException e)
        {
            throw new CliFailureException($"the agent sent a heap snapshot this heapmon cannot read ({e.Message})");
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
