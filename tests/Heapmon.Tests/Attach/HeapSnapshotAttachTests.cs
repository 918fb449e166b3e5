using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tests.Run;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Attach;

/// <summary>
/// <c>heapmon heap snapshot --pid</c> on a running program that holds 12,345 ledger entries: the file the agent sends
/// back agrees with ClrMD reading the same process afterwards (counts, shallow bytes, and each entry's retained size:
/// itself, its amounts array and its account string, which nothing else references).
/// </summary>
[Collection(AttachCollection.Name)]
public sealed class HeapSnapshotAttachTests
{
    private const int Entries = 12_345;
    private const string EntryType = "Attachee.LedgerEntry";

    [Fact]
    public void SnapshotOfARunningProgramAgreesWithClrMdReadingTheSameProcess()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", Entries.ToString(), "7"]);
        string path = Path.Combine(TestPaths.NewTempDirectory("heapsnap-pid"), "a.heapsnap");

        ChildResult result = AttachHarness.Heapmon("heap", "snapshot", "--pid", program.Pid.ToString(), "-o", path, "--top", "500");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"heapmon: wrote {path}", result.StdErr);
        HeapSnapshotData snapshot = HeapSnapshotFile.Load(path);
        Assert.Equal(program.Pid, snapshot.ProcessId);
        HeapTypeSummary entries = snapshot.Types.Single(t => t.TypeName == EntryType);
        Assert.Equal(Entries, entries.Count);
        Assert.Contains(snapshot.Types, t => t.TypeName == EntryType && result.StdOut.Contains(EntryType));
        Assert.False(Directory.Exists(AttachHarness.ChannelDirectory(program.Pid))); // detached

        (long count, long bytes, long retained) = ClrMdFigures(program.Pid);
        Assert.Equal(Entries, count);
        Assert.Equal(bytes, entries.Bytes);
        Assert.Equal(retained, entries.RetainedBytes);
        Assert.Equal(7, program.Quit()); // and the program went on to its own end
    }

    /// <summary>ClrMD over a dump of the process: the entries' count, bytes, and bytes with what each alone references.</summary>
    private static (long Count, long Bytes, long Retained) ClrMdFigures(int pid)
    {
        // A dump, not a ptrace attach: the program is our child, and the runtime's own child reaping can swallow the stop a ptrace attach waits for (the test hung).
        string dump = Path.Combine(TestPaths.NewTempDirectory("heapsnap-dump"), "p.dmp");
        new Microsoft.Diagnostics.NETCore.Client.DiagnosticsClient(pid).WriteDump(Microsoft.Diagnostics.NETCore.Client.DumpType.WithHeap, dump);
        using DataTarget target = DataTarget.LoadDump(dump, Heapmon.Heap.LocalFilesOnly.Options);
        using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
        long count = 0, bytes = 0, retained = 0;
        foreach (ClrObject o in runtime.Heap.EnumerateObjects())
        {
            if (o.Type?.Name != EntryType) continue;
            count++;
            bytes += Aligned(o.Size);
            retained += Aligned(o.Size);
            foreach (ClrObject referent in o.EnumerateReferences()) retained += Aligned(referent.Size);
        }
        return (count, bytes, retained);
    }

    private static long Aligned(ulong size) => (long)((size + 7) & ~7UL);
}
