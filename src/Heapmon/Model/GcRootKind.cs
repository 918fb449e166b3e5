namespace Heapmon.Model;

/// <summary>What kind of GC root holds an object: a retention path's start, a heap snapshot's roots and retainers (dotnet-dump gcroot's root kinds).</summary>
public enum GcRootKind
{
    /// <summary>A static field; the label names its declaring type and field.</summary>
    StaticField,
    /// <summary>A [ThreadStatic] field of one thread.</summary>
    ThreadStatic,
    /// <summary>A strong GC handle (GCHandle.Alloc, and the runtime's own).</summary>
    StrongHandle,
    /// <summary>A pinned GC handle.</summary>
    PinnedHandle,
    /// <summary>An async-IO pinned handle (overlapped buffers).</summary>
    AsyncPinnedHandle,
    /// <summary>A ref-counted handle (COM interop).</summary>
    RefCountedHandle,
    /// <summary>A sized-ref handle.</summary>
    SizedRefHandle,
    /// <summary>The finalization queue: unreachable, waiting for its finalizer to run.</summary>
    FinalizerQueue,
    /// <summary>A local variable or temporary on a thread's stack (only from a dump or createdump snapshot: in-process walks cannot see stacks).</summary>
    Stack,
    /// <summary>Any other root the runtime reports.</summary>
    Other,
}
