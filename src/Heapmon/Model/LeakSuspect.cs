namespace Heapmon.Model;

/// <summary>
/// A leak suspect (Eclipse MAT's Leak Suspects report): many instances of one type accumulating under one
/// retainer, held by one root: "12,345 instances of Order (1.2 MiB retained) are held by static
/// Cache.s_items through Dictionary&lt;Int32, Order&gt;".
/// </summary>
/// <param name="TypeName">The type whose instances accumulate.</param>
/// <param name="Count">Its instances under the retainer.</param>
/// <param name="RetainedBytes">What those instances retain.</param>
/// <param name="HolderRetainedBytes">What the retainer holding them retains in all.</param>
/// <param name="RootKind">The kind of root that holds the retainer.</param>
/// <param name="Root">That root in words.</param>
/// <param name="Path">The types on the dominator path from the root's object down to the retainer.</param>
/// <param name="CountDelta">In a diff: instances gained since the earlier snapshot.</param>
/// <param name="RetainedDelta">In a diff: retained bytes the retainer gained since the earlier snapshot.</param>
public sealed record LeakSuspect(string TypeName, long Count, long RetainedBytes, long HolderRetainedBytes, GcRootKind RootKind, string Root,
    IReadOnlyList<string> Path, long? CountDelta = null, long? RetainedDelta = null);
