using Heapmon.Model;
using Heapmon.Sampling;

namespace Heapmon.Tracking;

/// <summary>Instantiation sites of a type for the ClassTracker: sampled allocations grouped by whole traceback.</summary>
internal static class InstantiationSites
{
    /// <summary>Sites of every sampled allocation of <paramref name="type"/> (and, if asked, its subclasses) so far, most instances first.</summary>
    public static IReadOnlyList<InstantiationSite> Of(Type type, bool includeSubclasses)
    {
        ArgumentNullException.ThrowIfNull(type);
        AllocationSampler.Flush();
        nint exact = type.TypeHandle.Value;
        return Build(AllocationSampler.Store, handle => handle == exact || includeSubclasses && TypeOf(handle) is { } sampled && type.IsAssignableFrom(sampled), from: null);
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
        var byStack = new Dictionary<IReadOnlyList<TraceFrame>, CountSum>(ReferenceEqualityComparer.Instance);
        foreach (AllocationTrace trace in store.Export(Matches, from))
        {
            byStack.TryGetValue(trace.Traceback, out CountSum sum);
            byStack[trace.Traceback] = sum.Add(trace.Size);
        }
        var groups = new Dictionary<string, (string[] Frames, CountSum Sum)>(StringComparer.Ordinal);
        foreach ((IReadOnlyList<TraceFrame> traceback, CountSum sum) in byStack)
        {
            string[] frames = [.. traceback.Select(f => $"{f.Method} ({f.FileName}:{f.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)})")];
            string key = string.Join('\n', frames);
            groups[key] = groups.TryGetValue(key, out var group) ? (group.Frames, group.Sum.Add(sum)) : (frames, sum);
        }
        return [.. groups.Values
            .Select(g => (g.Frames, g.Sum.Samples, Count: SamplingMath.Interval(g.Sum.Count, g.Sum.Variance)))
            .OrderByDescending(g => g.Count.Value)
            .Select(g => new InstantiationSite(g.Frames, g.Samples, g.Count.Value, g.Count.Low, g.Count.High))];
    }

    /// <summary>The type of a sampled type handle; null for 0 (loaded from a file).</summary>
    public static Type? TypeOf(nint handle)
        // The handle came from an allocation in this process; its type is loaded (collectible types aside).
        => handle == 0 ? null : Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr(handle));

    /// <summary>Horvitz–Thompson count estimate of a group of samples: sums and variances add up over disjoint samples.</summary>
    private readonly record struct CountSum(int Samples, double Count, double Variance)
    {
        public CountSum Add(long size) => new(Samples + 1, Count + SamplingMath.CountWeight(size), Variance + SamplingMath.CountVariance(size));

        public CountSum Add(CountSum other) => new(Samples + other.Samples, Count + other.Count, Variance + other.Variance);
    }
}
