using System.Runtime.CompilerServices;

namespace Heapmon.Sizing;

/// <summary>
/// Walks an object graph with an explicit stack (any depth, no recursion), reading references in place
/// through the per-type layouts. One walker per <see cref="Sizer"/>; not thread-safe.
/// </summary>
internal sealed partial class GraphWalker(SizingOptions options)
{
    private const int GCCheckInterval = 1024;

    private readonly LayoutCache _layouts = new(options);
    private readonly Func<object, bool>? _stopWhen = options.StopWhen;
    private readonly DelegateTargets _delegateTargets = options.DelegateTargets;
    private StackSlot[] _stack = new StackSlot[1024];
    private ObjectList? _record;
    private int _gcBaseline;
    private int _visits;
    private readonly Dictionary<nint, bool> _frozenChunks = [];
    private nint _frozenChunk = -1;
    private bool _frozenChunkIsFrozen;

    /// <summary>A GC happened during an address-based walk: the result is void and the caller retries.</summary>
    public bool Aborted { get; private set; }

    /// <summary>Starts one call: the GC count the seen-set is valid for, and where to record newly seen objects.</summary>
    public void Begin(int gcBaseline, ObjectList? record)
    {
        _gcBaseline = gcBaseline;
        _record = record;
        Aborted = false;
    }

    public void Record(object obj) => _record?.Add(obj);

    /// <summary>Releases every reference on the walk's stack.</summary>
    public void Clear() => Array.Clear(_stack);

    /// <summary>Bytes of <paramref name="start"/> (already marked seen) and of everything newly reachable from it.</summary>
    public long DeepFrom<TSeen>(object start, TSeen seen) where TSeen : struct, ISeenSet => DeepFrom(start, seen, out _);

    /// <summary>As <see cref="DeepFrom{TSeen}(object, TSeen)"/>; <paramref name="flat"/> is the start's own size.</summary>
    public long DeepFrom<TSeen>(object start, TSeen seen, out long flat) where TSeen : struct, ISeenSet
    {
        StackSlot[] stack = _stack;
        int sp = 0;
        long total = 0;
        flat = 0;
        bool root = true;
        LayoutCache layouts = _layouts;
        ObjectList? record = _record;
        int visits = _visits;
        // The start is taken without a push: a tracker sizing 100,000 small objects a snapshot would
        // otherwise pay two reference stores (with their write barriers) per object for nothing.
        object? next = start;
        while (true)
        {
            object obj;
            nint resume = 0;
            if (next is not null) (obj, next) = (next, null);
            else if (sp > 0)
            {
                obj = stack[--sp].Value!;
                resume = stack[sp].Resume;
                stack[sp] = default; // hold nothing once the walk is done
            }
            else break;
            if (seen.AddressBased && ++visits % GCCheckInterval == 0 && GC.CollectionCount(0) != _gcBaseline)
            {
                Aborted = true;
                break;
            }
            TypeLayout layout = layouts.Get(obj);
            ref byte data = ref ObjectLayout.Data(obj);
            long size = layout.BaseSize;
            if (layout.ComponentSize != 0) size += (long)layout.ComponentSize * Unsafe.As<byte, uint>(ref data);
            if (resume != 0)
            {
                total += ScanArray(obj, resume, layout.Offsets[0] + layout.Offsets[1] + (nint)size, seen, layouts, record, ref stack, ref sp);
                continue;
            }
            // Objects are marked when pushed, by address alone, and judged here, where their memory is
            // read anyway: one touch per object. The rules are per object, so a rejected object would be
            // rejected on every path; the root is always counted.
            if (root)
            {
                flat = (size + 7) & ~7L;
                root = false;
            }
            else
            {
                if (layout.Special && !Passes(obj, layout)) continue;
                record?.Add(obj);
            }
            total += (size + 7) & ~7L;
            total += ScanReferences(obj, layout, ref data, size, seen, layouts, record, ref stack, ref sp);
        }
        _stack = stack;
        _visits = visits;
        Array.Clear(stack, 0, sp); // left over only when a GC aborted the walk
        return total;
    }

    /// <summary>Pushes (or counts, for leaves met in an array slice) what <paramref name="obj"/>'s reference fields point to; returns the bytes counted on the way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long ScanReferences<TSeen>(object obj, TypeLayout layout, ref byte data, long size, TSeen seen, LayoutCache layouts, ObjectList? record,
        ref StackSlot[] stack, ref int sp) where TSeen : struct, ISeenSet
    {
        long total = 0;
        switch (layout.Kind)
        {
            case ReferenceKind.Fixed:
                foreach (nint offset in layout.Offsets)
                {
                    if (ObjectLayout.ReadReference(ref data, offset) is { } r) total += Reach(r, seen, layouts, record, ref stack, ref sp);
                }
                break;
            case ReferenceKind.Series when layout.Offsets.Length == 2:
                // An array of references: scanned a slice at a time, so the elements pushed are
                // visited while their memory is still in cache (see ScanArray).
                total += ScanArray(obj, layout.Offsets[0], layout.Offsets[0] + layout.Offsets[1] + (nint)size, seen, layouts, record, ref stack, ref sp);
                break;
            case ReferenceKind.Series:
                nint[] series = layout.Offsets;
                for (int s = 0; s < series.Length; s += 2)
                {
                    nint end = series[s] + series[s + 1] + (nint)size;
                    for (nint offset = series[s]; offset < end; offset += IntPtr.Size)
                    {
                        if (ObjectLayout.ReadReference(ref data, offset) is { } r) total += Reach(r, seen, layouts, record, ref stack, ref sp);
                    }
                }
                break;
            case ReferenceKind.Repeating:
                uint[] pattern = layout.Pattern;
                nint at = layout.RepeatStart, stop = (nint)size - 2 * IntPtr.Size;
                while (at < stop)
                {
                    for (int p = 0; p < pattern.Length; p += 2)
                    {
                        for (uint n = pattern[p]; n > 0; n--, at += IntPtr.Size)
                        {
                            if (ObjectLayout.ReadReference(ref data, at) is { } r && seen.TryAdd(r))
                            {
                                if (sp == stack.Length) stack = Grow(stack);
                                stack[sp++].Value = r;
                            }
                        }
                        at += (nint)pattern[p + 1];
                    }
                }
                break;
        }
        if (layout.TargetOffset >= 0 && ObjectLayout.ReadReference(ref data, layout.TargetOffset) is { } target
            && FollowTarget(target) && seen.TryAdd(target))
        {
            if (sp == stack.Length) stack = Grow(stack);
            stack[sp++].Value = target;
        }
        return total;
    }

    /// <summary>
    /// Scans one slice of an array of references from <paramref name="from"/> (data-relative) towards
    /// <paramref name="end"/>; if elements remain, pushes the array back with where to resume, beneath the
    /// elements just pushed, which are therefore walked first. Returns the bytes of the leaves counted on the way.
    /// </summary>
    private long ScanArray<TSeen>(object array, nint from, nint end, TSeen seen, LayoutCache layouts, ObjectList? record,
        ref StackSlot[] stack, ref int sp) where TSeen : struct, ISeenSet
    {
        const int Slice = 64;
        ref byte data = ref ObjectLayout.Data(array);
        nint stop = end - from > Slice * IntPtr.Size ? from + Slice * IntPtr.Size : end;
        if (stop < end)
        {
            if (sp == stack.Length) stack = Grow(stack);
            stack[sp].Value = array;
            stack[sp++].Resume = stop;
        }
        long counted = 0;
        for (nint offset = from; offset < stop; offset += IntPtr.Size)
        {
            if (ObjectLayout.ReadReference(ref data, offset) is { } r) counted += Reach(r, seen, layouts, record, ref stack, ref sp);
        }
        return counted;
    }

    /// <summary>
    /// One referent reached from an object being walked: a reference-free one is counted on the spot
    /// (its bytes are returned), any other not seen yet is marked and pushed (0 is returned).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Reach<TSeen>(object r, TSeen seen, LayoutCache layouts, ObjectList? record, ref StackSlot[] stack, ref int sp)
        where TSeen : struct, ISeenSet
    {
        long leaf = CountLeaf(r, seen, layouts, record);
        if (leaf >= 0) return leaf;
        if (seen.TryAdd(r))
        {
            if (sp == stack.Length) stack = Grow(stack);
            stack[sp++].Value = r;
        }
        return 0;
    }

    /// <summary>
    /// Counts a reference-free referent on the spot, saving its push and pop: its bytes, or 0 if it is
    /// seen or frozen. -1 for an object that must be pushed (it has references, or rules beyond the frozen check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long CountLeaf<TSeen>(object obj, TSeen seen, LayoutCache layouts, ObjectList? record) where TSeen : struct, ISeenSet
    {
        TypeLayout layout = layouts.Get(obj);
        if (!layout.PlainLeaf) return -1;
        if (layout.CheckFrozen && IsFrozen(obj)) return 0;
        if (!seen.TryAdd(obj)) return 0;
        record?.Add(obj);
        long size = layout.BaseSize;
        if (layout.ComponentSize != 0) size += (long)layout.ComponentSize * Unsafe.As<byte, uint>(ref ObjectLayout.Data(obj));
        return (size + 7) & ~7L;
    }

    /// <summary>Accepts a reached object for counting: the options' rules, then the seen-set.</summary>
    private bool Accept<TSeen>(object obj, TSeen seen) where TSeen : struct, ISeenSet
    {
        TypeLayout layout = _layouts.Get(obj);
        if (layout.Special && !Passes(obj, layout)) return false;
        if (!seen.TryAdd(obj)) return false;
        _record?.Add(obj);
        return true;
    }

    /// <summary>Whether the options reject <paramref name="obj"/> when reached from another object.</summary>
    public bool Rejects(object obj)
    {
        TypeLayout layout = _layouts.Get(obj);
        return layout.Special && !Passes(obj, layout);
    }

    /// <summary>The options' rules for types that need more than the seen-set test.</summary>
    private bool Passes(object obj, TypeLayout layout)
    {
        if (layout.Stop) return false;
        if (layout.CheckFrozen && IsFrozen(obj)) return false;
        if (layout.CheckInterned && ReferenceEquals(string.IsInterned((string)obj), obj)) return false;
        return _stopWhen is null || !_stopWhen(obj);
    }

    /// <summary>
    /// Whether <paramref name="obj"/> sits in a frozen segment, decided once per 4 MiB of address space: GC
    /// regions are 4 MiB-aligned and the GC's reserved range holds no frozen segment, so a chunk is either
    /// all GC heap or none of it, and stays so for the life of the process.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsFrozen(object obj)
    {
        nint chunk = ObjectLayout.Address(obj) >> 22;
        return chunk == _frozenChunk ? _frozenChunkIsFrozen : IsFrozenChunk(obj, chunk);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool IsFrozenChunk(object obj, nint chunk)
    {
        if (!_frozenChunks.TryGetValue(chunk, out bool frozen))
            _frozenChunks.Add(chunk, frozen = GC.GetGeneration(obj) == int.MaxValue); // frozen objects report MaxValue
        _frozenChunk = chunk;
        _frozenChunkIsFrozen = frozen;
        return frozen;
    }

    private bool FollowTarget(object target) =>
        _delegateTargets == DelegateTargets.All || (_delegateTargets == DelegateTargets.Closures && _layouts.Get(target).IsClosure);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StackSlot[] Grow(StackSlot[] stack)
    {
        var bigger = new StackSlot[stack.Length * 2];
        Array.Copy(stack, bigger, stack.Length);
        Array.Clear(stack);
        return bigger;
    }
}
