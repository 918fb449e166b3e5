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
    /// <summary>Takes the snapshot while <paramref name="pinned"/> cannot move, then analyses it, under the heap session's walk lock.</summary>
    /// <param name="pinned">An object whose address the analysis needs, or null.</param>
    /// <param name="analysis">Receives the snapshot's runtime and the pinned object's address (0 when none).</param>
    /// <exception cref="HeapWalkException">No snapshot could be taken (<see cref="HeapWalkFailure.SnapshotFailed"/>).</exception>
    public static T Run<T>(object? pinned, Func<ClrRuntime, ulong, T> analysis)
    {
        SelfDataReader.EnsureSupported();
        // The heap session's walk lock, but none of its GC moment: a snapshot is frozen, stacks included.
        // (Not through a delegate: a frame outside Heapmon.Garbage holding the pinned object would show as its stack root.)
        using (HeapWalkLock.Enter())
        {
            for (int attempt = 1; ; attempt++)
            {
                DataTarget target;
                ulong address = 0;
                if (pinned is null) target = Take();
                else target = TakePinned(pinned, out address);
                using (target)
                {
                    using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
                    // The calling thread's own stack must be walkable in the snapshot, or its locals (the
                    // stack roots a caller most likely wants) would be missing without a word. Under load,
                    // about one snapshot in ten of a test run lacked them; take another.
                    if (attempt < MaxAttempts && !OwnStackWalkable(runtime)) continue;
                    return analysis(runtime, address);
                }
            }
        }
    }

    private const int MaxAttempts = 3;

    /// <summary>Whether the snapshot's walk of the calling thread's stack reaches this class's frames.</summary>
    private static bool OwnStackWalkable(ClrRuntime runtime)
    {
        ClrThread? self = runtime.Threads.FirstOrDefault(t => t.ManagedThreadId == Environment.CurrentManagedThreadId);
        return self is not null && self.EnumerateStackTrace().Any(f => f.Method?.Type?.Name == typeof(SnapshotSession).FullName);
    }

    private static DataTarget Take()
    {
        // Our own createdump run: a heap minidump (smaller and faster than the full dump ClrMD's
        // CreateSnapshotAndAttach writes), and its progress lines kept off the program's stdout.
        string createdump = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        if (File.Exists(createdump))
        {
            string path = Path.Combine(Path.GetTempPath(), $"heapmon-snapshot-{Environment.ProcessId}-{Guid.NewGuid():N}.dmp");
            try
            {
                var info = new System.Diagnostics.ProcessStartInfo(createdump)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (string arg in new[] { "--withheap", "-f", path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                    info.ArgumentList.Add(arg);
                using (var process = System.Diagnostics.Process.Start(info)!)
                {
                    Task<string> output = process.StandardOutput.ReadToEndAsync();
                    Task<string> error = process.StandardError.ReadToEndAsync();
                    if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                    // Close our ends of the pipes now rather than leave them to finalizers.
                    process.StandardOutput.Dispose();
                    process.StandardError.Dispose();
                    if (process.ExitCode == 0 && File.Exists(path))
                        return DataTarget.LoadDump(path, LocalFilesOnly.Options);
                }
            }
            catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidDataException)
            {
                // Fall back to ClrMD's own route below.
            }
            finally
            {
                // Unlinking an open dump is fine on Linux: the data stays readable until ClrMD closes it.
                try { File.Delete(path); } catch (IOException) { }
            }
        }
        return SnapshotRoute.Take();
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
