using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// Runs an analysis over a full snapshot of our own process (DataTarget.CreateSnapshotAndAttach:
/// createdump writes a core dump, ~1 s and a few hundred MB of temporary disk). The heap in a
/// snapshot is frozen, stacks included, so no GC or finalizer can change it under the analysis.
/// </summary>
internal static class SnapshotSession
{
    /// <summary>Takes the snapshot while <paramref name="pinned"/> cannot move, then analyses it.</summary>
    /// <param name="pinned">An object whose address the analysis needs, or null.</param>
    /// <param name="analysis">Receives the snapshot's runtime and the pinned object's address (0 when none).</param>
    public static T Run<T>(object? pinned, Func<ClrRuntime, ulong, T> analysis)
    {
        SelfDataReader.EnsureSupported();
        lock (HeapSession.WalkLock)
        {
            DataTarget target;
            ulong address = 0;
            if (pinned is null) target = Take();
            else target = TakePinned(pinned, out address);
            using (target)
            {
                using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
                return analysis(runtime, address);
            }
        }
    }

    private static DataTarget Take()
    {
        try
        {
            return DataTarget.CreateSnapshotAndAttach(Environment.ProcessId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                "Could not take a snapshot of this process with createdump (DataTarget.CreateSnapshotAndAttach): " + e.Message, e);
        }
    }

    private static unsafe DataTarget TakePinned(object pinned, out ulong address)
    {
        // A fixed pointer into the object pins it: its address in the snapshot is the one read here.
        fixed (byte* data = &System.Runtime.CompilerServices.Unsafe.As<RawData>(pinned).Data)
        {
            address = (ulong)data - (ulong)IntPtr.Size;
            return Take();
        }
    }

    private sealed class RawData
    {
        public byte Data;
    }
}
