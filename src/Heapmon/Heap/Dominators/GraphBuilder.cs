using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Heapmon.Model;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// Reads the object graph of our own heap in two passes over a consistent heap (the caller holds the
/// no-GC region and checks the sentinel): the walker lists the objects (address, type, size), then a
/// second pass copies the same ranges with large process_vm_readv reads and takes each reference
/// from the copy, never through a pointer, mapping it to an object id.
/// </summary>
internal sealed unsafe class GraphBuilder
{
    private const int ChunkSize = HeapWalker.ChunkSize;   // the walk's buffer is reused

    private readonly ClrRuntime _runtime;
    private readonly TypeTable _types = new();
    private ulong[] _addresses;
    private readonly ObjectTypes _typeIds;
    private readonly ObjectSizes _sizes;
    private int _count;

    private GraphBuilder(ClrRuntime runtime, int capacity)
    {
        _runtime = runtime;
        _addresses = new ulong[capacity];
        _typeIds = new ObjectTypes(capacity);
        _sizes = new ObjectSizes(capacity);
    }

    /// <summary>Reads the graph, or returns null with <paramref name="problem"/> set when the heap could not be read whole.</summary>
    public static GraphWalk? Read(ClrRuntime runtime, bool includeStacks, int capacityHint, out string? problem, bool keepAddresses = false)
    {
        HeapLayout layout = HeapLayout.Read(runtime.Heap, youngOnly: false);
        var builder = new GraphBuilder(runtime, Math.Max(capacityHint, 1024));
        var visitor = new ObjectLister(builder);
        WalkOutcome outcome = HeapWalker.Walk(runtime, layout, ref visitor);
        if (!outcome.Complete) { problem = outcome.Problem; return null; }

        var index = new AddressIndex(builder._addresses, builder._count, layout.Ranges);
        var dependents = new List<(ulong Key, ulong Value)>();
        List<GraphRoot> roots = GraphRoots.Collect(runtime, includeStacks, dependents);
        (int[] offsets, int[] edges)? references = builder.References(index, dependents, out problem);
        if (references is not { } refs) return null;

        problem = null;
        return Assemble(builder._typeIds, builder._sizes, refs.offsets, refs.edges, builder._count, roots, index.Find,
            builder._types.Names(), keepAddresses ? builder._addresses : null);
    }

    /// <summary>The walk from its parts: the roots are kept in order, as ids, less those at no walked object.</summary>
    internal static GraphWalk Assemble(ObjectTypes typeIds, ObjectSizes sizes, int[] offsets, int[] edges, int count,
        List<GraphRoot> roots, Func<ulong, int> find, string[] typeNames, ulong[]? addresses)
    {
        var rootIds = new List<int>(roots.Count);
        var kinds = new List<GcRootKind>(roots.Count);
        var labels = new List<string>(roots.Count);
        var own = new List<bool>(roots.Count);
        foreach (GraphRoot root in roots)
        {
            int id = find(root.Object);
            if (id < 0) continue;
            rootIds.Add(id);
            kinds.Add(root.Kind);
            labels.Add(root.Label);
            own.Add(root.Own);
        }
        var graph = new HeapGraph(typeIds, sizes, offsets, edges, [.. rootIds], count);
        return new GraphWalk(graph, typeNames, [.. kinds], [.. labels], [.. own]) { Addresses = addresses };
    }

    private readonly struct ObjectLister(GraphBuilder builder) : IHeapVisitor
    {
        public void Visit(ulong address, MethodTableInfo info, ulong size, HeapGeneration generation) => builder.Add(address, info, size);
    }

    private void Add(ulong address, MethodTableInfo info, ulong size)
    {
        if (info.IsFree) return;
        // Two spare slots: the addresses array later holds the dominator computation's arrays (DominatorTree.Compute).
        if (_count == _addresses.Length - 2) Grow();
        _addresses[_count] = address;
        _typeIds.Set(_count, _types.IndexOf(info, _runtime));
        _sizes.Set(_count, (uint)Math.Min(size, uint.MaxValue));
        _count++;
    }

    private void Grow()
    {
        int capacity = (int)Math.Min(_addresses.Length * 3L / 2 + 1024, Array.MaxLength);
        Array.Resize(ref _addresses, capacity);
        _typeIds.Resize(capacity);
        _sizes.Resize(capacity);
    }

    /// <summary>The second pass: each object's references as ids, in CSR form.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private (int[], int[])? References(AddressIndex index, List<(ulong Key, ulong Value)> dependents, out string? problem)
    {
        dependents.Sort((a, b) => a.Key.CompareTo(b.Key));
        var offsets = new int[_count + 1];
        // Sized from the objects' reference slots (a bound: null slots make no edge), so the array never grows.
        long slots = 0;
        for (int i = 0; i < _count; i++) slots += _types.Layout(_typeIds[i])?.SlotCount(_sizes[i]) ?? 0;
        // The walk is done with its copy buffer (pinned, the same size): reused rather than a megabyte more per snapshot.
        byte[] chunk = HeapWalker.Chunk;
        // At least one more than the objects: once read, the references hold the dominator computation's labels.
        var sink = new EdgeSink(index, chunk, (int)Math.Clamp(Math.Max(slots + dependents.Count, _count + 1L), 16, Array.MaxLength));
        int d = 0;
        for (int i = 0; i < _count; i++)
        {
            offsets[i] = sink.Count;
            GcLayout? layout = _types.Layout(_typeIds[i]);
            if (layout is not null && !sink.Object(_addresses[i], _sizes[i], layout))
            {
                problem = $"the object at {_addresses[i]:x} could not be read";
                GC.KeepAlive(chunk);
                return null;
            }
            // A ConditionalWeakTable's value lives as long as its key: the GC's dependent handles act as a reference.
            while (d < dependents.Count && dependents[d].Key < _addresses[i]) d++;
            for (; d < dependents.Count && dependents[d].Key == _addresses[i]; d++) sink.Target(dependents[d].Value);
        }
        offsets[_count] = sink.Count;
        problem = null;
        GC.KeepAlive(chunk);   // the sink reads through a pointer into it
        return (offsets, sink.Edges);
    }

    /// <summary>Collects reference targets from copies of the heap, refilling the copy as the objects move past it.</summary>
    private struct EdgeSink(AddressIndex index, byte[] chunk, int capacity) : ISlotVisitor
    {
        private readonly byte* _buffer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(chunk));
        private ulong _bufStart, _bufEnd, _object;
        private bool _failed;

        public int[] Edges = new int[capacity];
        public int Count;

        public bool Object(ulong address, ulong size, GcLayout layout)
        {
            _object = address;
            if (size <= ChunkSize && (address < _bufStart || address + size > _bufEnd) && !Refill(address, size)) return false;
            layout.Visit(size, ref this);
            return !_failed;
        }

        public void Slot(ulong offset)
        {
            ulong at = _object + offset;
            if ((at < _bufStart || at + 8 > _bufEnd) && !Refill(at, 8))
            {
                _failed = true;
                return;
            }
            ulong value = *(ulong*)(_buffer + (at - _bufStart));
            if (value != 0) Target(value);
        }

        public void Target(ulong value)
        {
            int id = index.Find(value);
            if (id < 0) return;
            if (Count == Edges.Length) Array.Resize(ref Edges, checked(Edges.Length * 2));
            Edges[Count++] = id;
        }

        private bool Refill(ulong address, ulong need)
        {
            int got = SelfDataReader.ReadSelf(address, new Span<byte>(_buffer, ChunkSize));
            _bufStart = address;
            _bufEnd = address + (ulong)got;
            return (ulong)got >= need;
        }
    }
}
