using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapmon.Heap;

/// <summary>
/// Detects any GC without calling into the runtime (docs/heap.md, How it works): a weak handle to an
/// unreachable object; every GC collects gen0, so the handle's slot reads 0 after any GC.
/// </summary>
internal sealed unsafe class GcSentinel : IDisposable
{
    private GCHandle _handle;
    private readonly nint* _slot;

    private GcSentinel()
    {
        _handle = GCHandle.Alloc(NewUnreachable(), GCHandleType.Weak);
        // The handle value is the address of its slot in the handle table (low bit: a flag).
        _slot = (nint*)(GCHandle.ToIntPtr(_handle) & ~(nint)1);
    }

    /// <summary>Starts watching: <see cref="NoGcSince"/> stays true until the next GC.</summary>
    public static GcSentinel Start() => new();

    /// <summary>True while no GC has run since <see cref="Start"/>.</summary>
    public bool NoGcSince => Volatile.Read(ref *_slot) != 0;

    public void Dispose()
    {
        if (_handle.IsAllocated) _handle.Free();
    }

    // Not inlined, so no stack slot of the caller keeps the object alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object NewUnreachable() => new();
}
