using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// The one ClrMD view of our own runtime, opened once and refreshed before each walk; ClrMD is used
/// only for segment ranges, allocation contexts and MethodTables (DESIGN.md mechanism 3).
/// Use only under <see cref="HeapWalkLock"/>.
/// </summary>
internal static class SelfRuntime
{
    private static DataTarget? s_target;
    private static ClrRuntime? s_runtime;

    /// <summary>The runtime, its cached heap data flushed so segments and contexts are read afresh.</summary>
    public static ClrRuntime Refreshed()
    {
        if (!HeapWalkLock.IsHeldByCurrentThread)
            throw new InvalidOperationException("Heap walks must hold HeapWalkLock.");
        if (s_runtime is null)
        {
            s_target = SelfDataReader.CreateDataTarget();
            s_runtime = s_target.ClrVersions.Single().CreateRuntime();
        }
        else
        {
            s_runtime.FlushCachedData();
        }
        return s_runtime;
    }
}
