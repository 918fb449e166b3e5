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
    private ObjectSlot[] _stack = new ObjectSlot[1024];
    private ObjectList? _record;
    private int _gcBaseline;
    private int _visits;

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

    /// <summary>Bytes of <paramref name="start"/> (already marked seen) and of everything newly reachable from it.</summary>
    public long DeepFrom<TSeen>(object start, TSeen seen) where TSeen : struct, ISeenSet
    {
        ObjectSlot[] stack = _stack;
        int sp = 0, high = 1;
        stack[sp++].Value = start;
        long total = 0;
        while (sp > 0)
        {
            object obj = stack[--sp].Value!;
            if (seen.AddressBased && ++_visits % GCCheckInterval == 0 && GC.CollectionCount(0) != _gcBaseline)
            {
                Aborted = true;
                break;
            }
            TypeLayout layout = _layouts.Get(obj);
            ref byte data = ref ObjectLayout.Data(obj);
            long size = layout.BaseSize;
            if (layout.ComponentSize != 0) size += (long)layout.ComponentSize * Unsafe.As<byte, uint>(ref data);
            total += (size + 7) & ~7L;
            switch (layout.Kind)
            {
                case ReferenceKind.Fixed:
                    foreach (nint offset in layout.Offsets)
                    {
                        object? r = ObjectLayout.ReadReference(ref data, offset);
                        if (r is not null) Reach(r, seen, ref stack, ref sp, ref high);
                    }
                    break;
                case ReferenceKind.Series:
                    nint[] series = layout.Offsets;
                    for (int s = 0; s < series.Length; s += 2)
                    {
                        nint end = series[s] + series[s + 1] + (nint)size;
                        for (nint offset = series[s]; offset < end; offset += IntPtr.Size)
                        {
                            object? r = ObjectLayout.ReadReference(ref data, offset);
                            if (r is not null) Reach(r, seen, ref stack, ref sp, ref high);
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
                                object? r = ObjectLayout.ReadReference(ref data, at);
                                if (r is not null) Reach(r, seen, ref stack, ref sp, ref high);
                            }
                            at += (nint)pattern[p + 1];
                        }
                    }
                    break;
            }
            if (layout.TargetOffset >= 0 && ObjectLayout.ReadReference(ref data, layout.TargetOffset) is { } target && FollowTarget(target))
                Reach(target, seen, ref stack, ref sp, ref high);
        }
        _stack = stack;
        Array.Clear(stack, 0, high);
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Reach<TSeen>(object obj, TSeen seen, ref ObjectSlot[] stack, ref int sp, ref int high) where TSeen : struct, ISeenSet
    {
        TypeLayout layout = _layouts.Get(obj);
        if (layout.Special && !Passes(obj, layout)) return;
        if (!seen.TryAdd(obj)) return;
        _record?.Add(obj);
        if (sp == stack.Length) stack = Grow(stack);
        stack[sp++].Value = obj;
        if (sp > high) high = sp;
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

    /// <summary>The options' rules for types that need more than the seen-set test.</summary>
    private bool Passes(object obj, TypeLayout layout)
    {
        if (layout.Stop) return false;
        if (layout.CheckFrozen && GC.GetGeneration(obj) == int.MaxValue) return false; // frozen segments report MaxValue
        if (layout.CheckInterned && ReferenceEquals(string.IsInterned((string)obj), obj)) return false;
        return _stopWhen is null || !_stopWhen(obj);
    }

    private bool FollowTarget(object target) =>
        _delegateTargets == DelegateTargets.All || (_delegateTargets == DelegateTargets.Closures && _layouts.Get(target).IsClosure);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ObjectSlot[] Grow(ObjectSlot[] stack)
    {
        var bigger = new ObjectSlot[stack.Length * 2];
        Array.Copy(stack, bigger, stack.Length);
        Array.Clear(stack);
        return bigger;
    }
}
