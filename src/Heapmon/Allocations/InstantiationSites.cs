using Heapmon.Tracking;

namespace Heapmon.Allocations;

/// <summary>Instantiation sites of a type for the ClassTracker: sampled allocations grouped by whole traceback.</summary>
internal static class InstantiationSites
{
    public static IReadOnlyList<InstantiationSite> Build(SampleStore store, Type type, bool includeSubclasses)
    {
        nint exact = type.TypeHandle.Value;
        var verdicts = new Dictionary<nint, bool> { [exact] = true };
        bool Matches(nint handle)
        {
            if (!verdicts.TryGetValue(handle, out bool match))
                verdicts[handle] = match = includeSubclasses && handle != 0 && IsSubclass(handle, type);
            return match;
        }

        var groups = new Dictionary<string, (string[] Frames, AllocationStats.Builder Stats)>(StringComparer.Ordinal);
        foreach (AllocationTrace trace in store.Export(Matches))
        {
            string[] frames = [.. trace.Traceback.Select(f => $"{f.Method} ({f.FileName}:{f.LineNumber})")];
            string key = string.Join('\n', frames);
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = (frames, new AllocationStats.Builder());
            group.Stats.Add(trace.Size);
        }
        return [.. groups.Values
            .Select(g => (g.Frames, Stats: g.Stats.Build()))
            .OrderByDescending(g => g.Stats.Count.Value)
            .Select(g => new InstantiationSite(g.Frames, g.Stats.Samples, g.Stats.Count.Value, g.Stats.Count.Low, g.Stats.Count.High))];
    }

    private static bool IsSubclass(nint handle, Type type)
    {
        // The handle came from an allocation in this process; its type is loaded (collectible types aside).
        Type? sampled = Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr(handle));
        return sampled is not null && type.IsAssignableFrom(sampled);
    }
}
