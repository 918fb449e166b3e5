namespace Heapmon.Model;

/// <summary>
/// Finds leak suspects in a snapshot or a diff (Eclipse MAT: Leak Suspects): a retainer that holds a large
/// share of the heap, or most of its growth, and the type that accumulates under it.
/// </summary>
public static class LeakSuspects
{
    private const int MaxSuspects = 3;

    /// <summary>In one snapshot: roots whose retained size is at least a tenth of the reachable heap (MAT's threshold).</summary>
    public static IReadOnlyList<LeakSuspect> Find(HeapSnapshotData snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        long reachable = snapshot.TotalBytes - snapshot.UnreachedBytes;
        var suspects = new List<LeakSuspect>();
        foreach (HeapRetainer r in snapshot.Retainers.Where(r => r.Path.Count == 1).OrderByDescending(r => r.RetainedBytes))
        {
            if (suspects.Count == MaxSuspects || r.RetainedBytes * 10 < reachable) break;
            if (Accumulated(r) is { } held)
                suspects.Add(new LeakSuspect(held.TypeName, held.Count, held.RetainedBytes, r.RetainedBytes, r.RootKind, r.Root, r.Path));
        }
        return suspects;
    }

    /// <summary>Between two snapshots: roots whose retained growth is at least a quarter of all the roots' growth.</summary>
    internal static IReadOnlyList<LeakSuspect> Growth(HeapSnapshotData before, HeapSnapshotData after)
    {
        var earlier = new Dictionary<string, HeapRetainer>(StringComparer.Ordinal);
        foreach (HeapRetainer r in before.Retainers.Where(r => r.Path.Count == 1)) earlier.TryAdd(Key(r), r);
        var grown = new List<(HeapRetainer After, HeapRetainer? Before, long Delta)>();
        long total = 0;
        foreach (HeapRetainer r in after.Retainers.Where(r => r.Path.Count == 1))
        {
            HeapRetainer? b = earlier.GetValueOrDefault(Key(r));
            long delta = r.RetainedBytes - (b?.RetainedBytes ?? 0);
            if (delta <= 0) continue;
            grown.Add((r, b, delta));
            total += delta;
        }
        var suspects = new List<LeakSuspect>();
        foreach ((HeapRetainer r, HeapRetainer? b, long delta) in grown.OrderByDescending(g => g.Delta))
        {
            if (suspects.Count == MaxSuspects || delta * 4 < total) break;
            if (Accumulated(r, b) is not { } held) continue;
            long countBefore = b?.Held.FirstOrDefault(h => h.TypeName == held.TypeName)?.Count ?? 0;
            suspects.Add(new LeakSuspect(held.TypeName, held.Count, held.RetainedBytes, r.RetainedBytes, r.RootKind, r.Root, r.Path,
                held.Count - countBefore, delta));
        }
        return suspects;
    }

    /// <summary>
    /// The type accumulating under a retainer: of the types it holds with more than one instance (its own
    /// type and single arrays are the container, not the content), the one retaining the most, or, in a
    /// diff, whose retained bytes grew the most.
    /// </summary>
    private static HeapTypeSummary? Accumulated(HeapRetainer r, HeapRetainer? before = null)
    {
        IEnumerable<HeapTypeSummary> many = r.Held.Where(h => h.Count > 1 && h.TypeName != r.TypeName);
        if (before is null && many.Any()) return many.MaxBy(h => h.RetainedBytes);
        return many.Select(h => (Held: h, Growth: h.RetainedBytes - (before?.Held.FirstOrDefault(x => x.TypeName == h.TypeName)?.RetainedBytes ?? 0)))
            .Where(g => g.Growth > 0).OrderByDescending(g => g.Growth).Select(g => g.Held).FirstOrDefault();
    }

    private static string Key(HeapRetainer r) => r.Root + "\n" + string.Join("\n", r.Path);
}
