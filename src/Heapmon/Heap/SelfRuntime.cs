using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// ClrMD's view of our own runtime; ClrMD is used only for segment ranges, allocation contexts and
/// MethodTables (DESIGN.md mechanism 3). Use only under <see cref="HeapWalkLock"/>.
/// </summary>
internal static class SelfRuntime
{
    private static DataTarget? s_target;
    private static ClrRuntime? s_runtime;

    /// <summary>A fresh runtime over the one data target, so segments and contexts are read afresh.</summary>
    /// <remarks>
    /// Under server GC, a new runtime each walk rather than <c>FlushCachedData</c>: there a flushed runtime
    /// came back with no segments at all after a few GCs. Under workstation GC the flush is used: a new
    /// runtime per walk kept the tiered JIT busy recompiling (about 8 ms of CPU per young walk).
    /// Loading the DAC (the first call, ~0.5 s) happens once.
    /// </remarks>
    public static ClrRuntime Fresh()
    {
        if (!HeapWalkLock.IsHeldByCurrentThread)
            throw new InvalidOperationException("Heap walks must hold HeapWalkLock.");
        s_target ??= SelfDataReader.CreateDataTarget();
        if (s_runtime is not null && !System.Runtime.GCSettings.IsServerGC)
        {
            // Workstation GC: a flush reads segments and contexts afresh, and unlike a new runtime it does
            // not make the JIT compile ClrMD's runtime set-up again on every walk (~8 ms of CPU per walk).
            s_runtime.FlushCachedData();
            return s_runtime;
        }
        s_runtime?.Dispose();
        s_runtime = s_target.ClrVersions.Single().CreateRuntime();
        return s_runtime;
    }
}
