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
    /// A new runtime each walk rather than <c>FlushCachedData</c>: under server GC a flushed runtime
    /// came back with no segments at all after a few GCs. A new one over the same target costs
    /// about as much as a flush; loading the DAC (the first call, ~0.5 s) happens once.
    /// </remarks>
    public static ClrRuntime Fresh()
    {
        if (!HeapWalkLock.IsHeldByCurrentThread)
            throw new InvalidOperationException("Heap walks must hold HeapWalkLock.");
        s_target ??= SelfDataReader.CreateDataTarget();
        s_runtime?.Dispose();
        s_runtime = s_target.ClrVersions.Single().CreateRuntime();
        return s_runtime;
    }
}
