using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// Reads the object graph of a dump (createdump --withheap, dotnet-dump collect) through ClrMD: the same
/// <see cref="GraphWalk"/> as <see cref="GraphBuilder"/> reads in-process, with the stack roots a live
/// process cannot read of itself. A dump does not change under the walk, so there is no session, no retry.
/// </summary>
internal static class DumpGraphReader
{
    /// <summary>The graph of <paramref name="runtime"/>'s heap, with the bytes of free space between objects.</summary>
    /// <exception cref="InvalidDataException">The dump was taken during a GC: its heap cannot be walked.</exception>
    public static GraphWalk Read(ClrRuntime runtime, out long freeBytes)
    {
        ClrHeap heap = runtime.Heap;
        if (!heap.CanWalkHeap) throw new InvalidDataException("the dump's heap cannot be walked (it was written during a garbage collection); take another");
        ClrObject[] objects = Objects(heap, out freeBytes);
        ulong[] addresses = new ulong[objects.Length + 1];   // one spare slot, as the in-process walk leaves
        for (int i = 0; i < objects.Length; i++) addresses[i] = objects[i].Address;
        var types = new Dictionary<ulong, int>();
        var names = new List<string>();
        var typeIds = new ObjectTypes(objects.Length);
        var sizes = new ObjectSizes(objects.Length);
        for (int i = 0; i < objects.Length; i++)
        {
            ClrType type = objects[i].Type!;
            if (!types.TryGetValue(type.MethodTable, out int id))
            {
                id = names.Count;
                types[type.MethodTable] = id;
                names.Add(type.Name ?? $"<unknown type {type.MethodTable:x}>");
            }
            typeIds.Set(i, id);
            sizes.Set(i, (uint)Math.Min(Aligned(objects[i].Size), uint.MaxValue));
        }
        int Find(ulong address)
        {
            int i = Array.BinarySearch(addresses, 0, objects.Length, address);
            return i < 0 ? -1 : i;
        }
        var dependents = new List<(ulong Key, ulong Value)>();
        List<GraphRoot> roots = GraphRoots.Collect(runtime, includeStacks: true, dependents);
        (int[] offsets, int[] edges) = References(objects, dependents, Find);
        return GraphBuilder.Assemble(typeIds, sizes, offsets, edges, objects.Length, roots, Find, [.. names], null);
    }

    /// <summary>The live objects in address order (free space left out, its bytes counted in <paramref name="freeBytes"/>).</summary>
    private static ClrObject[] Objects(ClrHeap heap, out long freeBytes)
    {
        var objects = new List<ClrObject>(1 << 16);
        freeBytes = 0;
        foreach (ClrObject o in heap.EnumerateObjects())
        {
            if (o.Type is null) continue;
            if (o.IsFree) freeBytes += Aligned(o.Size);
            else objects.Add(o);
        }
        // Segments need not come in address order; ids must (the dominator tree and the file expect it).
        objects.Sort((a, b) => a.Address.CompareTo(b.Address));
        return [.. objects];
    }

    /// <summary>Each object's references as ids, in CSR form; a dependent handle (ConditionalWeakTable) counts as a reference from its key.</summary>
    private static (int[] Offsets, int[] Edges) References(ClrObject[] objects, List<(ulong Key, ulong Value)> dependents, Func<ulong, int> find)
    {
        dependents.Sort((a, b) => a.Key.CompareTo(b.Key));
        var offsets = new int[objects.Length + 1];
        var edges = new List<int>(objects.Length * 2);
        int d = 0;
        for (int i = 0; i < objects.Length; i++)
        {
            offsets[i] = edges.Count;
            if (objects[i].ContainsPointers)
                foreach (ulong target in objects[i].EnumerateReferenceAddresses(carefully: false, considerDependantHandles: false))
                    if (find(target) is int id and >= 0) edges.Add(id);
            while (d < dependents.Count && dependents[d].Key < objects[i].Address) d++;
            for (; d < dependents.Count && dependents[d].Key == objects[i].Address; d++)
                if (find(dependents[d].Value) is int id and >= 0) edges.Add(id);
        }
        offsets[objects.Length] = edges.Count;
        return (offsets, [.. edges]);
    }

    /// <summary>Sizes as the GC lays objects out (8-byte steps), as the in-process walk reports them.</summary>
    private static long Aligned(ulong size) => (long)((size + 7) & ~7UL);
}
