using Heapmon.Model;

namespace Heapmon.Allocations;

/// <summary>Builds <see cref="GroupedStats"/> from a snapshot's rows (most recent frame) or traces (address, cumulative).</summary>
internal static class Grouping
{
    public static GroupedStats TopBy(AllocationSnapshot snapshot, GroupBy groupBy, bool cumulative)
    {
        if (!Enum.IsDefined(groupBy)) throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "Unknown grouping.");
        bool useCumulative = cumulative && snapshot.Traces is not null && snapshot.TracebackLimit >= 2 && groupBy is GroupBy.Line or GroupBy.File;
        var groups = new Dictionary<AllocationKey, AllocationStats.Builder>();
        var total = new AllocationStats.Builder();
        foreach (var row in snapshot.Rows) total.Add(row.Stats);

        if (groupBy == GroupBy.Address)
        {
            IReadOnlyList<AllocationTrace> traces = snapshot.Traces
                ?? throw new InvalidOperationException("Grouping by address needs traces: take or load the snapshot with traces: true.");
            foreach (AllocationTrace trace in traces)
                Get(groups, new AllocationKey(GroupBy.Address, null, 0, trace.Address, trace.TypeName)).Add(trace.Size);
        }
        else if (useCumulative)
        {
            var seen = new HashSet<AllocationKey>();
            foreach (AllocationTrace trace in snapshot.Traces!)
            {
                seen.Clear();
                if (trace.Traceback.Count == 0) seen.Add(LineOrFile(groupBy, null, 0));
                foreach (TraceFrame frame in trace.Traceback) seen.Add(LineOrFile(groupBy, frame.FileName, frame.LineNumber));
                // A frame that recurs in one traceback counts once: the bytes were allocated once.
                foreach (AllocationKey key in seen) Get(groups, key).Add(trace.Size);
            }
        }
        else
        {
            foreach (var row in snapshot.Rows)
            {
                AllocationKey key = groupBy == GroupBy.Type
                    ? new AllocationKey(GroupBy.Type, null, 0, 0, row.TypeName)
                    : LineOrFile(groupBy, row.FileName, row.LineNumber);
                Get(groups, key).Add(row.Stats);
            }
        }
        return new GroupedStats(snapshot.Timestamp, groupBy, useCumulative, snapshot.Metrics,
            groups.ToDictionary(p => p.Key, p => p.Value.Build()), total.Build());
    }

    private static AllocationKey LineOrFile(GroupBy groupBy, string? file, int line) =>
        groupBy == GroupBy.Line ? new AllocationKey(GroupBy.Line, file ?? Filter.UnknownFile, line, 0, null) : new AllocationKey(GroupBy.File, file ?? Filter.UnknownFile, 0, 0, null);

    private static AllocationStats.Builder Get(Dictionary<AllocationKey, AllocationStats.Builder> groups, AllocationKey key)
    {
        if (!groups.TryGetValue(key, out AllocationStats.Builder? builder)) groups[key] = builder = new();
        return builder;
    }
}
