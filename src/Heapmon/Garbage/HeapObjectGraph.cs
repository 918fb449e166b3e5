using System.Globalization;
using Heapmon.Sizing;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// The graph of heap objects reachable from given addresses, read through ClrMD. Valid only while
/// no GC runs (inside <see cref="Heap.HeapSession.Analyse{T}"/>, or over a snapshot); describe nodes there
/// and hand back plain records only. References through ConditionalWeakTable dependent handles
/// (key → value) are followed and labelled as such.
/// </summary>
internal sealed class HeapObjectGraph : IGraphSubject
{
    internal const string DependentHandleField = "(dependent handle: ConditionalWeakTable value)";

    private readonly ClrHeap _heap;
    private readonly List<ulong> _addresses;
    private readonly Dictionary<ulong, int> _ids;

    private HeapObjectGraph(ClrHeap heap, List<ulong> addresses, Dictionary<ulong, int> ids, ObjectGraph graph, bool complete)
    {
        _heap = heap;
        _addresses = addresses;
        _ids = ids;
        Graph = graph;
        Complete = complete;
    }

    public ObjectGraph Graph { get; }

    public bool Complete { get; }

    public int IdOf(ulong address) => _ids.TryGetValue(address, out int id) ? id : -1;

    public ulong AddressOf(int node) => _addresses[node];

    /// <param name="heap">The heap, with no GC running.</param>
    /// <param name="sources">Where the walk starts; zero and non-object addresses are ignored.</param>
    /// <param name="maxObjects">Stop numbering new objects after this many (the graph is then incomplete).</param>
    /// <param name="skipLeaves">Leave out objects that hold no references (they can be on no cycle).</param>
    /// <param name="cancel">Cancels the walk.</param>
    public static HeapObjectGraph Build(ClrHeap heap, IEnumerable<ulong> sources, int maxObjects, bool skipLeaves, CancellationToken cancel)
    {
        var addresses = new List<ulong>();
        var ids = new Dictionary<ulong, int>();
        bool truncated = false;

        bool TryNumber(ClrObject obj, out int id)
        {
            if (ids.TryGetValue(obj.Address, out id)) return true;
            if (!obj.IsValid || obj.IsFree || (skipLeaves && !obj.ContainsPointers)) return false;
            if (addresses.Count >= maxObjects) { truncated = true; return false; }
            id = addresses.Count;
            ids.Add(obj.Address, id);
            addresses.Add(obj.Address);
            return true;
        }

        foreach (ulong source in sources)
            if (source != 0) TryNumber(heap.GetObject(source), out _);

        var builder = new ObjectGraphBuilder();
        for (int i = 0; i < addresses.Count; i++)
        {
            if ((i & 0x3FFF) == 0) cancel.ThrowIfCancellationRequested();
            builder.BeginNode(i);
            ClrObject obj = heap.GetObject(addresses[i]);
            foreach (ClrObject child in obj.EnumerateReferences(carefully: true, considerDependantHandles: true))
                if (TryNumber(child, out int id)) builder.AddEdge(id);
        }
        return new HeapObjectGraph(heap, addresses, ids, builder.Build(addresses.Count), !truncated);
    }

    private readonly Dictionary<ulong, string?> _namingFields = [];

    public HeapObjectInfo Describe(int node) => DescribeAddress(_heap, _addresses[node], _namingFields);

    public string FieldName(int from, int to)
    {
        ulong target = _addresses[to];
        ClrObject obj = _heap.GetObject(_addresses[from]);
        foreach (ClrReference reference in obj.EnumerateReferencesWithFields(carefully: true, considerDependantHandles: true))
        {
            if (reference.Object.Address != target) continue;
            if (reference.IsDependentHandle) return DependentHandleField;
            if (reference.IsArrayElement) return "[" + ArrayIndex(obj, reference).ToString(CultureInfo.InvariantCulture) + "]";
            if (reference.Field is { } field)
            {
                // A reference inside an embedded struct: "outer.inner", as many levels deep as ClrMD resolves.
                string name = FieldNames.Display(field.Name);
                for (ClrReference? inner = reference.InnerField; inner is { Field: { } f }; inner = inner.Value.InnerField)
                    name += "." + FieldNames.Display(f.Name);
                return name;
            }
        }
        return "?";
    }

    private static long ArrayIndex(ClrObject array, ClrReference reference)
    {
        // ClrMD's offset counts from the array's data (after the MethodTable and the length).
        ClrType? element = array.Type?.ComponentType;
        int elementSize = element is { IsValueType: true } ? Math.Max(1, array.Type!.ComponentSize) : IntPtr.Size;
        return (reference.Offset - IntPtr.Size) / elementSize;
    }

    /// <summary>A plain record for the object at <paramref name="address"/>.</summary>
    /// <param name="heap">The heap, with no GC running.</param>
    /// <param name="address">The object.</param>
    /// <param name="namingFields">Per MethodTable, the naming field found earlier (null when none), to look each type up once.</param>
    public static HeapObjectInfo DescribeAddress(ClrHeap heap, ulong address, Dictionary<ulong, string?>? namingFields = null)
    {
        ClrObject obj = heap.GetObject(address);
        ClrType? type = obj.Type;
        string typeName = type?.Name ?? "<unknown type>";
        long size = obj.IsValid ? (long)((obj.Size + 7) & ~7UL) : 0;
        string? name = null;
        if (type is { IsString: true }) name = LiveObjects.Quote(obj.AsString(64) ?? "");
        else if (obj.IsDelegate)
        {
            ClrMethod? method = obj.AsDelegate().GetDelegateTarget()?.Method;
            if (method is not null) name = method.Type is { Name: { } declaring } ? declaring + "." + method.Name : method.Name;
        }
        else if (type is not null && obj.IsValid)
        {
            if (namingFields is null || !namingFields.TryGetValue(type.MethodTable, out string? field))
            {
                // The same fields the live route uses, auto-property backing fields included.
                field = type.Fields.FirstOrDefault(f => f.Type is { IsString: true } && f.Name is not null
                    && Array.IndexOf(LiveReferences.NamingFields, FieldNames.Display(f.Name)) >= 0)?.Name;
                namingFields?.Add(type.MethodTable, field);
            }
            if (field is not null && obj.ReadStringField(field, 64) is { } value) name = LiveObjects.Quote(value);
        }
        return new HeapObjectInfo(address, typeName, size, name);
    }
}
