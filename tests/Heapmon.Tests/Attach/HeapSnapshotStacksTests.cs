using System.Text.RegularExpressions;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tests.Run;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Attach;

/// <summary>
/// <c>heapmon heap snapshot --pid --stacks</c> on a program whose parcels only a local variable of a waiting thread holds:
/// read from a dump, the snapshot counts them under a stack root, as ClrMD reading another dump of the same process does;
/// the agent's in-process snapshot of the same process counts them too but, seeing no stacks, as unreached (retaining nothing).
/// </summary>
[Collection(AttachCollection.Name)]
public sealed partial class HeapSnapshotStacksTests
{
    private const int Parcels = 50_000;
    private const string ParcelType = "Attachee.StackParcel";
    private const string ArrayType = "Attachee.StackParcel[]";

    [Fact]
    public void ASnapshotWithStacksCountsParcelsHeldOnlyByALocalUnderAStackRoot()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["stack", Parcels.ToString(), "3"]);
        string folder = TestPaths.NewTempDirectory("heapsnap-stacks");
        string path = Path.Combine(folder, "stacks.heapsnap");

        ChildResult result = AttachHarness.Heapmon("heap", "snapshot", "--pid", program.Pid.ToString(), "--stacks", "-o", path, "--top", "500", "--graph");

        Assert.True(result.ExitCode == 0, result.ToString());
        string dump = DumpWritten().Match(result.StdErr).Groups[1].Value;
        Assert.NotEmpty(dump);
        Assert.False(File.Exists(dump));
        Assert.False(Directory.Exists(Path.GetDirectoryName(dump)));   // the private folder went with it
        Assert.False(Directory.Exists(AttachHarness.ChannelDirectory(program.Pid)));   // no agent was loaded
        HeapSnapshotData snapshot = HeapSnapshotFile.Load(path, graph: true);
        Assert.Equal(program.Pid, snapshot.ProcessId);
        Assert.True(snapshot.HasGraph);
        Assert.Contains(GcRootKind.Stack, snapshot.Graph!.RootKinds);

        (long count, long bytes, long arrayRetained, HeapSnapshotData library) = ClrMdFigures(program.Pid);
        Assert.Equal(Parcels, count);
        HeapTypeSummary parcels = snapshot.Types.Single(t => t.TypeName == ParcelType);
        Assert.Equal(count, parcels.Count);
        Assert.Equal(bytes, parcels.Bytes);
        Assert.Equal(bytes, parcels.RetainedBytes);   // reached now: each retains itself (no references of its own)
        HeapRetainer array = Assert.Single(snapshot.Retainers, r => r.TypeName == ArrayType);
        Assert.Equal(GcRootKind.Stack, array.RootKind);
        Assert.Contains("StackHolder.Hold", array.Root, StringComparison.Ordinal);
        Assert.Equal(arrayRetained, array.RetainedBytes);
        HeapRootSummary stackRoots = Assert.Single(snapshot.Roots, r => r.Kind == GcRootKind.Stack);
        Assert.True(stackRoots.RetainedBytes >= arrayRetained, $"stack roots retain {stackRoots.RetainedBytes:N0} bytes, the array alone {arrayRetained:N0}");

        // The library's entry point over the test's own dump: the dump's pid, the same parcels, under a stack root.
        Assert.Equal(program.Pid, library.ProcessId);
        Assert.Equal(Parcels, library.Types.Single(t => t.TypeName == ParcelType).Count);
        Assert.Equal(arrayRetained, library.Retainers.Single(r => r.TypeName == ArrayType && r.RootKind == GcRootKind.Stack).RetainedBytes);

        HeapSnapshotData inProcess = InProcessSnapshot(program.Pid, folder);
        HeapTypeSummary unreached = inProcess.Types.Single(t => t.TypeName == ParcelType);
        Assert.Equal(Parcels, unreached.Count);           // every object walked counts...
        Assert.Equal(0, unreached.RetainedBytes);          // ...but, no stack seen, as unreached: retaining nothing
        Assert.True(inProcess.UnreachedCount >= Parcels + 1, $"{inProcess.UnreachedCount:N0} unreached");
        Assert.DoesNotContain(inProcess.Roots, r => r.Kind == GcRootKind.Stack);
        Assert.DoesNotContain(inProcess.Retainers, r => r.TypeName == ArrayType);
        Assert.Equal(3, program.Quit());   // the program went on to its own end
    }

    /// <summary>The same process through its agent, without --stacks.</summary>
    private static HeapSnapshotData InProcessSnapshot(int pid, string folder)
    {
        string path = Path.Combine(folder, "agent.heapsnap");
        ChildResult result = AttachHarness.Heapmon("heap", "snapshot", "--pid", pid.ToString(), "-o", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        return HeapSnapshotFile.Load(path);
    }

    /// <summary>
    /// ClrMD over its own dump of the process: the parcels' count and bytes, and what their array retains: itself and the
    /// parcels no root holds directly (the frame may keep the last parcel made in a slot of its own too); and
    /// <c>HeapSnapshot.FromDump</c> over the same dump.
    /// </summary>
    private static (long Count, long Bytes, long ArrayRetained, HeapSnapshotData Library) ClrMdFigures(int pid)
    {
        string dump = Path.Combine(TestPaths.NewTempDirectory("heapsnap-stacks-dump"), "p.dmp");
        new Microsoft.Diagnostics.NETCore.Client.DiagnosticsClient(pid).WriteDump(Microsoft.Diagnostics.NETCore.Client.DumpType.WithHeap, dump);
        HeapSnapshotData library = Heapmon.Heap.HeapSnapshot.FromDump(dump, Heapmon.Heap.HeapSnapshotOptions.Default);
        using DataTarget target = DataTarget.LoadDump(dump, Heapmon.Heap.LocalFilesOnly.Options);
        File.Delete(dump);   // unlinked, it stays readable until the target is closed
        using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
        var rooted = runtime.Heap.EnumerateRoots().Select(r => r.Object.Address).ToHashSet();
        long count = 0, bytes = 0, arrayRetained = 0;
        foreach (ClrObject o in runtime.Heap.EnumerateObjects())
        {
            if (o.Type?.Name == ParcelType)
            {
                count++;
                bytes += Aligned(o.Size);
            }
            else if (o.Type?.Name == ArrayType)
            {
                arrayRetained += Aligned(o.Size);
                foreach (ClrObject parcel in o.EnumerateReferences())
                    if (!rooted.Contains(parcel.Address)) arrayRetained += Aligned(parcel.Size);
            }
        }
        // The array is found through a stack root there too, and nowhere else.
        Assert.Contains(runtime.Heap.EnumerateRoots(), r => r.RootKind == ClrRootKind.Stack && r.Object.Type?.Name == ArrayType);
        Assert.DoesNotContain(runtime.Heap.EnumerateRoots(), r => r.RootKind != ClrRootKind.Stack && r.Object.Type?.Name is ArrayType or ParcelType);
        return (count, bytes, arrayRetained, library);
    }

    private static long Aligned(ulong size) => (long)((size + 7) & ~7UL);

    [GeneratedRegex(@"writing a dump of .* to (\S+\.dmp) \(deleted afterwards\)")]
    private static partial Regex DumpWritten();
}
