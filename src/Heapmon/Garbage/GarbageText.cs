using System.Globalization;
using System.Text;

namespace Heapmon.Garbage;

/// <summary>Plain-text renderings of the garbage reports (used by their ToString and by the CLI).</summary>
internal static class GarbageText
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static string Cycles(CycleReport report)
    {
        var sb = new StringBuilder();
        sb.Append(s_inv, $"{Plural(report.Cycles.Count, "reference cycle")} among {report.ObjectsExamined:N0} objects ({report.ReferencesExamined:N0} references)");
        sb.AppendLine(report.Complete ? "" : " — INCOMPLETE: a limit stopped the search");
        for (int c = 0; c < report.Cycles.Count; c++)
        {
            ReferenceCycle cycle = report.Cycles[c];
            sb.AppendLine();
            sb.Append(s_inv, $"cycle {c + 1}: {Plural(cycle.ObjectCount, "object")}, {ByteUnits.Compact(cycle.TotalSize)}");
            sb.AppendLine(cycle.Objects.Count < cycle.ObjectCount ? $" (first {cycle.Objects.Count} listed)" : "");
            for (int i = 0; i < cycle.Objects.Count; i++)
            {
                HeapObjectInfo o = cycle.Objects[i];
                sb.AppendLine(s_inv, $"  [{i}] {o.Display}  {ByteUnits.Compact(o.Size)}  @0x{o.Address:x}");
                foreach (ObjectReference r in cycle.References)
                    if (r.From == i) sb.AppendLine(s_inv, $"        .{r.Field} -> [{r.To}]");
            }
        }
        return sb.ToString();
    }

    public static string Retention(RetentionReport report)
    {
        var sb = new StringBuilder();
        HeapObjectInfo t = report.Target;
        sb.AppendLine(s_inv, $"Retention paths to {t.Display} @0x{t.Address:x} ({ByteUnits.Compact(t.Size)})");
        sb.AppendLine(report.RootsSearched);
        if (!report.Complete) sb.AppendLine("INCOMPLETE: a limit stopped the walk before every object was seen.");
        if (report.Paths.Count == 0)
        {
            sb.AppendLine(report.IncludesStackRoots
                ? "No path from any root: the object is garbage and goes at the next GC."
                : "No path from these roots: only a thread's stack (a local variable) holds it, or it is garbage waiting for a GC.");
            return sb.ToString();
        }
        for (int p = 0; p < report.Paths.Count; p++)
        {
            RetentionPath path = report.Paths[p];
            sb.AppendLine();
            sb.AppendLine(s_inv, $"{p + 1}. {path.Root.Label}  [{path.Root.Kind}]");
            for (int i = 0; i < path.Objects.Count; i++)
            {
                HeapObjectInfo o = path.Objects[i];
                string via = i == 0 ? "" : "." + path.Fields[i - 1] + " ";
                sb.AppendLine(s_inv, $"   {via}-> {o.Display}  @0x{o.Address:x}");
            }
        }
        return sb.ToString();
    }

    public static string Finalizer(FinalizerGarbageReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine(s_inv, $"Finalizer-only garbage: {Plural(report.Count, "object")} reachable only through finalization " +
            $"({report.AwaitingGc:N0} dead and awaiting a GC, {report.AwaitingFinalizer:N0} queued for the finalizer; " +
            $"{report.FinalizableObjects:N0} objects registered for finalization).");
        if (report.Types.Count == 0) return sb.ToString();
        sb.AppendLine("      count       bytes  type");
        foreach (FinalizerGarbageEntry e in report.Types)
            sb.AppendLine(s_inv, $"{e.Count,11:N0} {ByteUnits.Aligned(e.TotalSize)}  {e.TypeName}");
        sb.AppendLine("Dispose these objects (or use `using`): each was left for its finalizer to clean up.");
        return sb.ToString();
    }

    private static string Plural(int n, string noun) => n.ToString("N0", s_inv) + " " + noun + (n == 1 ? "" : "s");
}
