namespace Heapmon.Garbage;

/// <summary>
/// Why an object is alive: the shortest reference paths from GC roots to it, one per root,
/// shortest first (dotnet-dump's gcroot, from inside the process).
/// </summary>
/// <param name="Target">The object asked about.</param>
/// <param name="Paths">Up to the requested number of paths, each from a different root, shortest first.</param>
/// <param name="IncludesStackRoots">True when stack roots were searched (a full snapshot); false is gcroot -nostacks.</param>
/// <param name="ObjectsExamined">Objects reachable from the roots that the search walked.</param>
/// <param name="Complete">False when <see cref="RetentionOptions.MaxObjects"/> stopped the walk.</param>
public sealed record RetentionReport(HeapObjectInfo Target, IReadOnlyList<RetentionPath> Paths, bool IncludesStackRoots, int ObjectsExamined, bool Complete)
{
    /// <summary>One line saying which roots were searched, printed with every report.</summary>
    public string RootsSearched => IncludesStackRoots
        ? "Roots searched: statics, thread statics, GC handles, finalizer queue and thread stacks (full snapshot)."
        : "Roots searched: statics, thread statics, GC handles and finalizer queue; NOT thread stacks (gcroot -nostacks semantics: " +
          "stacks cannot be read from inside a running process; use RetentionOptions.WithStacks or --stacks for a full snapshot).";

    /// <summary>A gcroot-style text: the roots searched, then each path with its fields.</summary>
    public override string ToString() => GarbageText.Retention(this);
}
