using Heapmon.Tracking;

namespace Heapmon.Allocations;

/// <summary>Instantiation sites of a type for the ClassTracker: sampled allocations grouped by whole traceback.</summary>
internal static class InstantiationSites
{
    public static IReadOnlyList<InstantiationSite> Build(SampleStore store, Type type, bool includeSubclasses)
    {
        nint exact = type.TypeHandle.Value;
        return Build(store, handle => handle == exact || includeSubclasses && TypeOf(handle) is { } sampled && type.IsAssignableFrom(sampled), from: null);
    }

    /// <summary>
    /// Sites of the samples taken since <paramref name="from"/> whose type handle <paramref name="matches"/>
    /// (asked once per type), most instances first.
    /// </summary>
    public static IReadOnlyList<InstantiationSite> Build(SampleStore store, Func<nint, bool> matches, SampleMark? from)
    {
        var verdicts = new Dictionary<nint, bool>();
        bool Matches(nint handle)
        {
            if (!verdicts.TryGetValue(handle, out bool match)) verdicts[handle] = match = matches(handle);
            return match;
        }

        // Tracebacks are interned by the sampler: group by the shared array first, and format each one once
        // (refreshed at every periodic snapshot, this must not format a string per sample).
        var byStack = new Dictionary<IReadOnlyList<TraceFrame>, AllocationStats.Builder>(ReferenceEqualityComparer.Instance);
        foreach (AllocationTrace trace in store.Export(Matches, from))
        {
            if (!byStack.TryGetValue(trace.Traceback, out var stats)) byStack[trace.Traceback] = stats = new AllocationStats.Builder();
            stats.Add(trace.Size);
        }
        var groups = new Dictionary<string, (string[] Frames, AllocationStats.Builder Stats)>(StringComparer.Ordinal);
        foreach ((IReadOnlyList<TraceFrame> traceback, AllocationStats.Builder stats) in byStack)
        {
            string[] frames = [.. traceback.Select(f => $"{f.Method} ({f.FileName}:{f.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)})")];
            string key = string.Join('\n', frames);
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = (frames, new AllocationStats.Builder());
            group.Stats.Add(stats.Build());
        }
        return [.. groups.Values
            .Select(g => (g.Frames, Stats: g.Stats.Build()))
            .OrderByDescending(g => g.Stats.Count.Value)
            .Select(g => new InstantiationSite(g.Frames, g.Stats.Samples, g.Stats.Count.Value, g.Stats.Count.Low, g.Stats.Count.High))];
    }

    /// <summary>The type of a sampled type handle; null for 0 (loaded from a file).</summary>
    public static Type? TypeOf(nint handle)
        // The handle came from an allocation in this process; its type is loaded (collectible types aside).
        => handle == 0 ? null : Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr(handle));
}
