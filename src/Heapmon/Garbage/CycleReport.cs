namespace Heapmon.Garbage;

/// <summary>
/// The reference cycles found among the objects reachable from a set of roots (Heapmonitor:
/// --debug=garbage). The CLR collects cycles, so a cycle here is not a leak by itself: it shows
/// which objects live and die together, and what one stray reference into it keeps alive.
/// </summary>
/// <param name="Cycles">The cycles, largest first.</param>
/// <param name="ObjectsExamined">Objects that can hold references, reached from the roots (strings and other leaves are not counted).</param>
/// <param name="ReferencesExamined">References followed between them.</param>
/// <param name="Complete">False when <see cref="CycleOptions.MaxObjects"/> stopped the search or cycles were left out.</param>
public sealed record CycleReport(IReadOnlyList<ReferenceCycle> Cycles, int ObjectsExamined, long ReferencesExamined, bool Complete)
{
    /// <summary>A plain-text report: one block per cycle with its objects and the fields that join them.</summary>
    public override string ToString() => GarbageText.Cycles(this);
}
