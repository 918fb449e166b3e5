using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// The GC roots a retention path may start from, each labelled, as the heap snapshot's graph walk reads them
/// (<see cref="GraphRoots"/>: a static field is its own root, named after the field, not the runtime's shared
/// statics array; thread statics read field by field), as (root, object) pairs without repeats.
/// </summary>
internal static class HeapRoots
{
    /// <param name="runtime">The runtime, with no GC running (or a snapshot).</param>
    /// <param name="includeStacks">Add stack roots (only a snapshot has them).</param>
    /// <param name="skipOwnFrames">Leave out stack roots in Heapmon.Garbage's own frames (the object asked about is a local there).</param>
    public static List<(GcRoot Root, ulong Object)> Collect(ClrRuntime runtime, bool includeStacks, bool skipOwnFrames = true)
    {
        var roots = new List<(GcRoot, ulong)>();
        var seen = new HashSet<(GcRoot, ulong)>();
        foreach (GraphRoot r in GraphRoots.Collect(runtime, includeStacks, dependents: null, skipOwnFrames ? "Heapmon.Garbage." : null))
        {
            var root = (new GcRoot(r.Kind, r.Label), r.Object);
            if (seen.Add(root)) roots.Add(root);
        }
        return roots;
    }
}
