namespace Heapmon.Sampling;

/// <summary>
/// What the sampler takes from a nettrace stream, decoded in place by <see cref="NetTraceReader"/>: spans are
/// valid only during the call. Every method does nothing unless overridden.
/// </summary>
internal abstract class TraceEventSink
{
    /// <summary>The trace header: the traced process's pid.</summary>
    public virtual void OnTraceHeader(int processId) { }

    /// <summary>An AllocationSampled event with its stack (return addresses, innermost first).</summary>
    public virtual void OnAllocation(in EventHeader header, in SampledAllocation allocation, ReadOnlySpan<ulong> stack) { }

    /// <summary>A method's code was published (MethodLoadVerbose, or its rundown twin).</summary>
    public virtual void OnMethodLoad(in MethodLoad method) { }

    /// <summary>A method's IL-to-native map: <paramref name="count"/> IL offsets, then as many native offsets (little-endian int32s).</summary>
    public virtual void OnILMap(ulong methodId, int count, ReadOnlySpan<byte> ilOffsets, ReadOnlySpan<byte> nativeOffsets) { }

    /// <summary>A module was loaded (or listed by the rundown), with its path in the traced process's file system.</summary>
    public virtual void OnModuleLoad(ulong moduleId, ReadOnlySpan<char> ilPath) { }

    /// <summary>A GC started: its number and generation.</summary>
    public virtual void OnGcStart(long timestamp, int count, int depth) { }

    /// <summary>One of our flush markers.</summary>
    public virtual void OnMarker(long timestamp, long id) { }

    /// <summary>Every event stamped before <paramref name="timestamp"/> has now been read (a sorted event or a sequence point).</summary>
    public virtual void OnSortedUpTo(long timestamp) { }

    /// <summary>The stream ended: nothing more will come.</summary>
    public virtual void OnEnd() { }
}

/// <summary>An AllocationSampled event's fields (.NET 10).</summary>
internal readonly ref struct SampledAllocation(int kind, ulong typeId, ReadOnlySpan<char> typeName, ulong address, ulong size)
{
    /// <summary>0 small object heap, 1 large, 2 pinned.</summary>
    public int Kind { get; } = kind;
    public ulong TypeId { get; } = typeId;
    public ReadOnlySpan<char> TypeName { get; } = typeName;
    public ulong Address { get; } = address;
    public ulong Size { get; } = size;
}

/// <summary>A MethodLoadVerbose (or MethodDCEndVerbose) event's fields.</summary>
internal readonly ref struct MethodLoad(ulong methodId, ulong moduleId, ulong start, int size, int token, ReadOnlySpan<char> typeName, ReadOnlySpan<char> name, ReadOnlySpan<char> signature)
{
    public ulong MethodId { get; } = methodId;
    public ulong ModuleId { get; } = moduleId;
    public ulong Start { get; } = start;
    public int Size { get; } = size;
    public int Token { get; } = token;
    /// <summary>The declaring type's full name (the event calls it MethodNamespace).</summary>
    public ReadOnlySpan<char> TypeName { get; } = typeName;
    public ReadOnlySpan<char> Name { get; } = name;
    public ReadOnlySpan<char> Signature { get; } = signature;
}
