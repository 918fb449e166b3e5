using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>A leak suspect in words, as Eclipse MAT's report puts it.</summary>
internal static class LeakSuspectText
{
    /// <summary>"12,345 instances of Order (1.2 MiB retained) are held by static Cache.s_items through Dictionary&lt;Int32, Order&gt;; +5,000 since the first snapshot".</summary>
    public static string Describe(LeakSuspect s)
    {
        string instances = s.Count == 1 ? "1 instance" : $"{HeapReport.N(s.Count)} instances";
        string verb = s.Count == 1 ? "is" : "are";
        string text = $"{instances} of {s.TypeName} ({ByteUnits.Compact(s.RetainedBytes)} retained) {verb} held by {s.Root} through {string.Join(" → ", s.Path)}" +
                      $" ({ByteUnits.Compact(s.HolderRetainedBytes)} retained in all)";
        if (s.CountDelta is { } count)
            text += $"; {HeapReport.Signed(count)} since the first snapshot ({ByteUnits.Compact(s.RetainedDelta ?? 0, sign: true)} retained)";
        return text + ".";
    }
}
