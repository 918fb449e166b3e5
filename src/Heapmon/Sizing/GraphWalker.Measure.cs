namespace Heapmon.Sizing;

/// <summary>The per-referent tree (Pympler: asized): named edges down to the requested detail, the rest folded.</summary>
internal sealed partial class GraphWalker
{
    private sealed class Frame(object obj, string name, int level)
    {
        public object Obj { get; } = obj;
        public string Name { get; } = name;
        public int Level { get; } = level;
        public List<(string Name, object Target)> Edges { get; } = [];
        public List<SizedObject> Referents { get; } = [];
        public int Next { get; set; }
    }

    /// <summary>
    /// The tree of <paramref name="root"/> (already marked seen). Edges are taken in field order, so a
    /// shared object is counted under the first referent that reaches it; referents are then sorted by size.
    /// </summary>
    public SizedObject MeasureFrom<TSeen>(object root, string rootName, int detail, TSeen seen) where TSeen : struct, ISeenSet
    {
        if (detail == 0)
            return Leaf(root, rootName, seen);
        var frames = new Stack<Frame>();
        frames.Push(Open(root, rootName, 0));
        while (true)
        {
            Frame frame = frames.Peek();
            if (Aborted || (seen.AddressBased && GC.CollectionCount(0) != _gcBaseline))
            {
                Aborted = true;
                return new SizedObject(rootName, root.GetType(), 0, 0, []);
            }
            if (frame.Next < frame.Edges.Count)
            {
                (string name, object target) = frame.Edges[frame.Next];
                frame.Edges[frame.Next++] = default; // hold no references longer than needed
                if (!Accept(target, seen)) continue;
                if (frame.Level + 1 < detail) frames.Push(Open(target, name, frame.Level + 1));
                else frame.Referents.Add(Leaf(target, name, seen));
                continue;
            }
            frames.Pop();
            long flat = ObjectLayout.ShallowSize(frame.Obj);
            long size = flat + frame.Referents.Sum(r => r.Size);
            SizedObject[] referents = [.. frame.Referents.OrderByDescending(r => r.Size)];
            var node = new SizedObject(frame.Name, frame.Obj.GetType(), size, flat, referents);
            if (frames.Count == 0) return node;
            frames.Peek().Referents.Add(node);
        }
    }

    private SizedObject Leaf<TSeen>(object obj, string name, TSeen seen) where TSeen : struct, ISeenSet =>
        new(name, obj.GetType(), DeepFrom(obj, seen), ObjectLayout.ShallowSize(obj), []);

    private Frame Open(object obj, string name, int level)
    {
        var frame = new Frame(obj, name, level);
        CollectEdges(obj, frame.Edges);
        return frame;
    }

    /// <summary>Every reference <paramref name="obj"/> holds that the options follow, with its name, in memory order.</summary>
    private void CollectEdges(object obj, List<(string Name, object Target)> edges)
    {
        TypeLayout layout = _layouts.Get(obj);
        ref byte data = ref ObjectLayout.Data(obj);
        long exact = layout.BaseSize + (layout.ComponentSize == 0 ? 0 : (long)layout.ComponentSize * System.Runtime.CompilerServices.Unsafe.As<byte, uint>(ref data));
        var offsets = new List<nint>();
        switch (layout.Kind)
        {
            case ReferenceKind.Fixed:
                offsets.AddRange(layout.Offsets);
                break;
            case ReferenceKind.Series:
                for (int s = 0; s < layout.Offsets.Length; s += 2)
                    for (nint o = layout.Offsets[s]; o < layout.Offsets[s] + layout.Offsets[s + 1] + (nint)exact; o += IntPtr.Size)
                        offsets.Add(o);
                break;
            case ReferenceKind.Repeating:
                nint at = layout.RepeatStart, stop = (nint)exact - 2 * IntPtr.Size;
                while (at < stop)
                    for (int p = 0; p < layout.Pattern.Length; p += 2)
                    {
                        for (uint n = layout.Pattern[p]; n > 0; n--, at += IntPtr.Size) offsets.Add(at);
                        at += (nint)layout.Pattern[p + 1];
                    }
                break;
        }
        if (layout.TargetOffset >= 0 && ObjectLayout.ReadReference(ref data, layout.TargetOffset) is { } target && FollowTarget(target))
            offsets.Insert(0, layout.TargetOffset);
        foreach (nint offset in offsets)
            if (ObjectLayout.ReadReference(ref ObjectLayout.Data(obj), offset) is { } r)
                edges.Add((layout.NameAt(obj, offset), r));
    }
}
