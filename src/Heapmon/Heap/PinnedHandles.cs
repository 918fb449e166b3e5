using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Runtime.AbstractDac;

namespace Heapmon.Heap;

/// <summary>
/// The objects GC handles pin, as addresses only. ClrMD's public <c>ClrRuntime.EnumerateHandles</c> makes each
/// handle's object a <c>ClrObject</c> and asks the DAC for its type; when another thread's GC has moved the
/// object meanwhile, the word it reads there is no MethodTable, and the DAC crashed the process on it (a dump
/// from the GC.Collect() torture: ClrHandle..ctor, ClrHeap.GetObject, SOSDac.GetMethodTableData, SIGSEGV in
/// libmscordaccore). ClrMD's own raw handle list (behind its private <c>GetDacRuntime</c>) has no types.
/// </summary>
internal static class PinnedHandles
{
    private static readonly Func<ClrRuntime, IAbstractRuntime>? s_raw = RawList();

    /// <summary>Whether ClrMD's raw handle list was found (it is private: another ClrMD version may not have it).</summary>
    public static bool RawAvailable => s_raw is not null;

    /// <summary>The addresses of the objects pinned by handles (pinned and async-pinned), as the handle table holds them now.</summary>
    public static HashSet<ulong> Targets(ClrRuntime runtime)
    {
        var pinned = new HashSet<ulong>();
        if (s_raw is not null)
        {
            foreach (ClrHandleInfo handle in s_raw(runtime).EnumerateHandles())
                if (handle.Kind is ClrHandleKind.Pinned or ClrHandleKind.AsyncPinned && handle.Object != 0) pinned.Add(handle.Object);
            return pinned;
        }
        // Without the raw list, the public one, and its risk.
        foreach (ClrHandle handle in runtime.EnumerateHandles())
            if (handle.IsPinned && handle.Object.Address != 0) pinned.Add(handle.Object.Address);
        return pinned;
    }

    private static Func<ClrRuntime, IAbstractRuntime>? RawList()
    {
        System.Reflection.MethodInfo? method = typeof(ClrRuntime).GetMethod("GetDacRuntime", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, Type.EmptyTypes);
        return method?.ReturnType == typeof(IAbstractRuntime) ? method.CreateDelegate<Func<ClrRuntime, IAbstractRuntime>>() : null;
    }
}
