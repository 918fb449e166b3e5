using System.Diagnostics;
using System.Globalization;
using Heapmon.Cli.Attach;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Stats;
using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon heap snapshot --pid PID --stacks -o FILE</c>: the runtime writes a dump of the process (dotnet-dump collect
/// --type Heap) into a private temporary folder; the snapshot is read from it with the threads' stack roots, which an
/// agent inside the process cannot read of its own running stacks. No agent is loaded; the process keeps running; the
/// dump is deleted whatever happens.
/// </summary>
internal static class HeapSnapshotOfDump
{
    public static int Run(CliContext context, int pid, string path, bool graph, int top)
    {
        TargetProcess target = TargetProcess.Probe(pid);
        if (target.Runtime.Kind != RuntimeKind.CoreClr)
            throw new AttachException(AttachExitCode.NotDotnet, $"process {target.Pid} ({target.Name}) is not a .NET (CoreCLR) process: there is no runtime to write a dump of its heap.");
        DirectoryInfo folder = Directory.CreateTempSubdirectory("heapmon-dump-");   // 0700: the dump holds the process's memory
        string dump = Path.Combine(folder.FullName, $"{pid.ToString(CultureInfo.InvariantCulture)}.dmp");
        try
        {
            context.Note($"writing a dump of {target.Describe} to {dump} (deleted afterwards)");
            var clock = Stopwatch.StartNew();
            long resident = ResidentBytes(pid);
            WriteDump(target, dump);
            double dumpMs = clock.Elapsed.TotalMilliseconds;
            HeapSnapshotData snapshot = Read(dump, graph, (pid, target.Name, resident));
            context.Note(string.Create(CultureInfo.InvariantCulture,
                $"dumped in {dumpMs:F0} ms; read {snapshot.ObjectCount:N0} objects ({ByteUnits.Compact(snapshot.TotalBytes)}) from the dump in {clock.Elapsed.TotalMilliseconds - dumpMs:F0} ms, stacks included{(graph ? ", object graph kept" : "")}"));
            OutputFiles.WriteAll(context, [(path, () => HeapSnapshotFile.Save(snapshot, path))]);
            HeapReport.WriteSnapshot(snapshot, context.Output, top);
            return 0;
        }
        finally
        {
            try { folder.Delete(recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { context.Error.WriteLine($"heapmon: could not delete {folder.FullName}: {e.Message}"); }
        }
    }

    /// <summary>The process's resident set just before the dump, from the live process: a dump does not record it.</summary>
    private static long ResidentBytes(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return process.WorkingSet64;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw TargetProcess.ExitedWhileLooking(pid);
        }
    }

    private static void WriteDump(TargetProcess target, string dump)
    {
        try
        {
            new DiagnosticsClient(target.Pid).WriteDump(DumpType.WithHeap, dump);
        }
        catch (ServerNotAvailableException)
        {
            throw target.NoDiagnosticsPort();
        }
        catch (Exception e) when (e is ServerErrorException or UnsupportedCommandException)
        {
            throw new CliFailureException($"{target.Describe} could not write a dump ({e.Message.ReplaceLineEndings(" ")})");
        }
        if (!File.Exists(dump)) throw new CliFailureException($"{target.Describe} reported a dump written, but {dump} is not there");
    }

    private static HeapSnapshotData Read(string dump, bool graph, (int, string, long) process)
    {
        try
        {
            return HeapSnapshot.FromDump(dump, graph ? HeapSnapshotOptions.WithGraph : HeapSnapshotOptions.Default, process);
        }
        catch (InvalidDataException e)
        {
            throw new CliFailureException($"cannot read the dump: {e.Message}");
        }
    }
}
