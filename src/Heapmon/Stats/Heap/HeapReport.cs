using System.Globalization;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Heap snapshots and diffs as text for the console, and a diff as an HTML page (dotnet-gcdump report;
/// Pympler: summary.print_). Plain data in, text out: a snapshot read from a file prints like a live one.
/// </summary>
public static class HeapReport
{
    /// <summary>What the unreached objects are: with stack roots (read from a dump) only garbage the GC has not collected yet.</summary>
    private static string UnreachedWords(HeapSnapshotData snapshot) => snapshot.Roots.Any(r => r.Kind == GcRootKind.Stack)
        ? "reached from no root (garbage the GC has not collected yet)"
        : "reached from no root seen in-process (stacks, or made during the walk)";

    /// <summary>Prints a snapshot: totals, the top types by retained bytes, the roots by kind, the largest retainers and any leak suspect.</summary>
    public static void WriteSnapshot(HeapSnapshotData snapshot, TextWriter output, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        output.WriteLine($"Heap snapshot of {snapshot.ProcessName} (pid {snapshot.ProcessId}) at {snapshot.Timestamp:yyyy-MM-dd HH:mm:ss zzz}");
        output.WriteLine($"  {N(snapshot.ObjectCount)} objects, {N(snapshot.TotalBytes)} bytes ({ByteUnits.Compact(snapshot.TotalBytes)}); " +
                         $"{N(snapshot.UnreachedCount)} objects ({ByteUnits.Compact(snapshot.UnreachedBytes)}) {UnreachedWords(snapshot)}");
        output.WriteLine($"  process: resident {ByteUnits.Compact(snapshot.Process.ResidentBytes)}, GC heap {ByteUnits.Compact(snapshot.Process.GcHeapBytes)}, " +
                         $"committed {ByteUnits.Compact(snapshot.Process.GcCommittedBytes)}, fragmented {ByteUnits.Compact(snapshot.Process.GcFragmentedBytes)}");
        output.WriteLine();
        output.WriteLine($"{"Count",13} {"Bytes",15} {"Retained",15}  Type");
        foreach (HeapTypeSummary t in snapshot.Types.Take(top))
            output.WriteLine($"{N(t.Count),13} {N(t.Bytes),15} {N(t.RetainedBytes),15}  {t.TypeName}");
        if (snapshot.Types.Count > top) output.WriteLine($"{"",13} {"",15} {"",15}  ({N(snapshot.Types.Count - top)} more types)");
        output.WriteLine();
        output.WriteLine("GC roots:");
        foreach (HeapRootSummary r in snapshot.Roots)
            output.WriteLine($"  {RootWords(r.Kind),-22} {N(r.Count),9} roots, holding {ByteUnits.Compact(r.RetainedBytes)} alone");
        output.WriteLine();
        output.WriteLine("Largest retainers:");
        foreach (HeapRetainer r in snapshot.Retainers.Take(Math.Min(top, 10)))
            output.WriteLine($"  {ByteUnits.Aligned(r.RetainedBytes)}  {r.Root}: {string.Join(" → ", r.Path)}");
        WriteSuspects(LeakSuspects.Find(snapshot), output);
    }

    /// <summary>Prints a diff: totals, the <paramref name="top"/> types with the most retained growth, and the leak suspects.</summary>
    public static void WriteDiff(HeapSnapshotDiff diff, TextWriter output, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        HeapSnapshotData a = diff.Before, b = diff.After;
        output.WriteLine($"Heap diff: {a.Timestamp:yyyy-MM-dd HH:mm:ss} (pid {a.ProcessId}) → {b.Timestamp:yyyy-MM-dd HH:mm:ss} (pid {b.ProcessId})");
        output.WriteLine($"  objects {N(a.ObjectCount)} → {N(b.ObjectCount)} ({Signed(b.ObjectCount - a.ObjectCount)}), " +
                         $"bytes {N(a.TotalBytes)} → {N(b.TotalBytes)} ({Signed(b.TotalBytes - a.TotalBytes)})");
        output.WriteLine();
        output.WriteLine($"{"Count",11} {"Δ Count",11} {"Bytes",14} {"Δ Bytes",14} {"Retained",14} {"Δ Retained",14}  Type");
        foreach (HeapTypeChange t in diff.Types.Take(top))
        {
            string mark = t.Kind switch { HeapTypeChangeKind.New => "  (new)", HeapTypeChangeKind.Gone => "  (gone)", _ => "" };
            output.WriteLine($"{N(t.CountAfter),11} {Signed(t.CountDelta),11} {N(t.BytesAfter),14} {Signed(t.BytesDelta),14} {N(t.RetainedAfter),14} {Signed(t.RetainedDelta),14}  {t.TypeName}{mark}");
        }
        int rest = diff.Types.Count - top;
        if (rest > 0) output.WriteLine($"  ({N(rest)} more types; --top to see more)");
        WriteSuspects(diff.Suspects, output);
    }

    /// <summary>Writes a diff as a self-contained HTML page, atomically.</summary>
    public static void WriteDiffHtml(HeapSnapshotDiff diff, string path, int top = 100)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        AtomicFile.WriteAllText(path, HeapDiffHtml.Render(diff, top));
    }

    private static void WriteSuspects(IReadOnlyList<LeakSuspect> suspects, TextWriter output)
    {
        output.WriteLine();
        if (suspects.Count == 0)
        {
            output.WriteLine("Leak suspects: none stands out.");
            return;
        }
        output.WriteLine("Leak suspects:");
        for (int i = 0; i < suspects.Count; i++) output.WriteLine($"  {i + 1}. {LeakSuspectText.Describe(suspects[i])}");
    }

    internal static string RootWords(GcRootKind kind) => kind switch
    {
        GcRootKind.StaticField => "static fields",
        GcRootKind.ThreadStatic => "thread statics",
        GcRootKind.StrongHandle => "strong handles",
        GcRootKind.PinnedHandle => "pinned handles",
        GcRootKind.AsyncPinnedHandle => "async pinned handles",
        GcRootKind.RefCountedHandle => "ref-counted handles",
        GcRootKind.SizedRefHandle => "sized-ref handles",
        GcRootKind.FinalizerQueue => "finalizer queue",
        GcRootKind.Stack => "stacks",
        _ => "other roots",
    };

    internal static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Signed(long value) => (value > 0 ? "+" : "") + value.ToString("N0", CultureInfo.InvariantCulture);
}
