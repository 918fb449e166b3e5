using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// Finds reference cycles: strongly connected components of more than one object, or of one
/// object that refers to itself, with the fields that form them (Heapmonitor: --debug=garbage).
/// </summary>
public static class CycleFinder
{
    /// <summary>
    /// Cycles among the objects reachable from <paramref name="roots"/> (e.g. tracked objects),
    /// found by reading fields through live references: safe while the program runs and GCs.
    /// </summary>
    public static CycleReport FindAmong(IEnumerable<object?> roots, CycleOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(roots);
        options ??= CycleOptions.Default;
        options.Validate();
        LiveObjectGraph graph = LiveObjectGraph.Build(roots, options.MaxObjects, cancel);
        return CycleReportBuilder.Build(graph, options, cancel);
    }

    /// <summary>
    /// Cycles among the objects reachable from every live instance of <paramref name="type"/>
    /// (and of its subclasses when <paramref name="includeSubclasses"/>), found by a heap walk.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or Native AOT.</exception>
    /// <exception cref="HeapWalkException">No consistent view of the heap in 3 attempts (GCs kept interrupting, or the no-GC budget ran out), or the program holds a no-GC region (<see cref="HeapWalkException.Reason"/>).</exception>
    public static CycleReport FindAmongInstancesOf(Type type, bool includeSubclasses = true, CycleOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return FindAmongInstancesOf([type], includeSubclasses, options, cancel);
    }

    /// <summary>
    /// Cycles among the objects reachable from every live instance of any of <paramref name="types"/>
    /// (e.g. the tracked classes, for `heapmon run --garbage`), found by one heap walk.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or Native AOT.</exception>
    /// <exception cref="HeapWalkException">No consistent view of the heap in 3 attempts (GCs kept interrupting, or the no-GC budget ran out), or the program holds a no-GC region (<see cref="HeapWalkException.Reason"/>).</exception>
    public static CycleReport FindAmongInstancesOf(IReadOnlyCollection<Type> types, bool includeSubclasses = true, CycleOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(types);
        options ??= CycleOptions.Default;
        options.Validate();
        var names = types.Select(TypeNames.Display).ToHashSet(StringComparer.Ordinal);
        return HeapSession.Analyse(runtime =>
        {
            ClrHeap heap = runtime.Heap;
            var instances = new List<ulong>();
            foreach (ClrObject obj in heap.EnumerateObjects(carefully: true))
                if (obj.Type is { } t && Matches(t, names, includeSubclasses)) instances.Add(obj.Address);
            HeapObjectGraph graph = HeapObjectGraph.Build(heap, instances, options.MaxObjects, skipLeaves: true, cancel);
            return CycleReportBuilder.Build(graph, options, cancel);
        });
    }

    private static bool Matches(ClrType type, HashSet<string> names, bool includeSubclasses)
    {
        for (ClrType? t = type; t is not null; t = includeSubclasses ? t.BaseType : null)
            if (t.Name is { } name && names.Contains(name)) return true;
        return false;
    }
}
