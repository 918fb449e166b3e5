using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapmon.Garbage;

/// <summary>
/// The graph of live objects reachable from given roots, found by reading their fields through
/// real references (no addresses, so no GC can make it unsafe). Objects that cannot hold
/// references (strings, primitive arrays) are left out: they can be on no cycle.
/// The graph holds its objects strongly while it exists; it never outlives one analysis.
/// </summary>
internal sealed class LiveObjectGraph : IGraphSubject
{
    private readonly List<object> _objects;

    private LiveObjectGraph(List<object> objects, ObjectGraph graph, bool complete)
    {
        _objects = objects;
        Graph = graph;
        Complete = complete;
    }

    public ObjectGraph Graph { get; }

    public bool Complete { get; }

    public static LiveObjectGraph Build(IEnumerable<object?> roots, int maxObjects, CancellationToken cancel)
    {
        var state = new WalkState(maxObjects);
        foreach (object? root in roots)
            if (root is not null) state.Number(root);

        LiveReferences.Visitor<WalkState> onChild = static (ref WalkState s, object child, int _) =>
        {
            int id = s.Number(child);
            if (id >= 0) s.Builder.AddEdge(id);
        };
        for (int i = 0; i < state.Objects.Count; i++)
        {
            if ((i & 0x3FFF) == 0) cancel.ThrowIfCancellationRequested();
            state.Builder.BeginNode(i);
            object obj = state.Objects[i];
            state.ReferencesOf(obj).Visit(obj, ref state, onChild);
        }
        return new LiveObjectGraph(state.Objects, state.Builder.Build(state.Objects.Count), !state.Truncated);
    }

    public HeapObjectInfo Describe(int node) => LiveObjects.Describe(_objects[node]);

    public string FieldName(int from, int to)
    {
        object source = _objects[from], target = _objects[to];
        LiveReferences refs = LiveReferences.For(source.GetType());
        var find = (Target: target, Label: (int?)null);
        refs.Visit(source, ref find, static (ref (object Target, int? Label) s, object child, int label) =>
        {
            if (s.Label is null && ReferenceEquals(child, s.Target)) s.Label = label;
        });
        return find.Label is { } l ? refs.Label(l) : "?";
    }

    private struct WalkState(int maxObjects)
    {
        public readonly List<object> Objects = [];
        public readonly ObjectGraphBuilder Builder = new();
        // Values are id + 1, so the default 0 of a fresh slot means "not numbered yet".
        private readonly Dictionary<object, int> _ids = new(ReferenceEqualityComparer.Instance);
        private Type? _lastType;
        private LiveReferences? _lastReferences;
        public bool Truncated;

        /// <summary>How to read <paramref name="obj"/>'s fields; the last type is remembered (neighbours mostly share one).</summary>
        public LiveReferences ReferencesOf(object obj)
        {
            Type type = obj.GetType();
            if (type != _lastType)
            {
                _lastReferences = LiveReferences.For(type);
                _lastType = type;
            }
            return _lastReferences!;
        }

        /// <summary>The object's node id, numbering it when first seen; -1 for leaves and past the limit.</summary>
        public int Number(object obj)
        {
            if (obj is string || ReferencesOf(obj).IsLeaf) return -1;
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, obj, out bool exists);
            if (exists) return slot - 1;
            if (Objects.Count >= maxObjects)
            {
                _ids.Remove(obj);
                Truncated = true;
                return -1;
            }
            slot = Objects.Count + 1;
            Objects.Add(obj);
            return slot - 1;
        }
    }
}

/// <summary>Plain descriptions of live objects: type, exact size (docs/sizing.md), a short name.</summary>
internal static class LiveObjects
{
    public static HeapObjectInfo Describe(object obj) =>
        new(AddressNow(obj), TypeNames.Display(obj.GetType()), SizeOf(obj), NameOf(obj));

    /// <summary>The object's address at this instant: an identifier for the report, never dereferenced.</summary>
    public static ulong AddressNow(object obj) => (ulong)Unsafe.As<object, nint>(ref obj);

    /// <summary>The CLR's own size: base size from the MethodTable plus component size × length, rounded to 8.</summary>
    public static unsafe long SizeOf(object obj)
    {
        nint mt = obj.GetType().TypeHandle.Value;
        uint flags = *(uint*)mt;
        long size = *(uint*)(mt + 4);
        if ((flags & 0x80000000) != 0)
        {
            long length = obj is string s ? s.Length : ((Array)obj).LongLength;
            size += (flags & 0xFFFF) * length;
        }
        return (size + 7) & ~7L;
    }

    public static string? NameOf(object obj) => obj switch
    {
        string s => Quote(s),
        Delegate d => d.Method.DeclaringType is { } t ? $"{TypeNames.Display(t)}.{d.Method.Name}" : d.Method.Name,
        _ => LiveReferences.For(obj.GetType()).NamingField(obj) is { } name ? Quote(name) : null,
    };

    internal static string Quote(string s) => s.Length <= 40 ? $"\"{s}\"" : $"\"{s[..37]}...\"";
}
