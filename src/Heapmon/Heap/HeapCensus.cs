using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// Per type instance counts and shallow bytes of the whole managed heap, with totals per generation:
/// the figures of <c>dotnet-dump</c>'s <c>dumpheap -stat</c>, taken from inside the process
/// (Pympler: muppy.get_objects + summary.summarize).
/// </summary>
public sealed class HeapCensus
{
    internal HeapCensus(IReadOnlyList<TypeStatistics> types, IReadOnlyList<GenerationStatistics> generations, long freeCount, long freeBytes)
    {
        Types = types;
        Generations = generations;
        FreeCount = freeCount;
        FreeBytes = freeBytes;
        foreach (GenerationStatistics g in generations)
        {
            ObjectCount += g.Count;
            TotalBytes += g.Bytes;
        }
    }

    /// <summary>Every type on the heap, largest total bytes first (free space is not a type here).</summary>
    public IReadOnlyList<TypeStatistics> Types { get; }

    /// <summary>Objects and bytes in gen0, gen1, gen2, the large, pinned and frozen heaps, in that order.</summary>
    public IReadOnlyList<GenerationStatistics> Generations { get; }

    /// <summary>Objects on the heap (free space not counted).</summary>
    public long ObjectCount { get; }

    /// <summary>Shallow bytes of all objects (free space not counted).</summary>
    public long TotalBytes { get; }

    /// <summary>Free-space blocks between objects (dumpheap's "Free" line).</summary>
    public long FreeCount { get; }

    /// <summary>Bytes of free space between objects.</summary>
    public long FreeBytes { get; }

    /// <summary>The figures for one generation.</summary>
    public GenerationStatistics this[HeapGeneration generation] => Generations[(int)generation];

    /// <summary>
    /// Takes a census of the live heap: a full blocking GC, then a walk in a no-GC region (Pympler: summary.summarize(muppy.get_objects())).
    /// </summary>
    /// <exception cref="HeapWalkException">No consistent view of the heap in 8 attempts, or the program holds a no-GC region (<see cref="HeapWalkException.Reason"/>).</exception>
    /// <exception cref="PlatformNotSupportedException">Native AOT, or an OS where neither route works.</exception>
    public static HeapCensus Take() => Take(HeapWalkOptions.Default, whileRegionHeld: null);

    /// <summary>
    /// Takes a census; <paramref name="whileRegionHeld"/> runs after the walk while the no-GC region
    /// still holds, so a test can take a dump of the very same heap.
    /// </summary>
    internal static HeapCensus Take(HeapWalkOptions options, Action<HeapCensus>? whileRegionHeld, bool useSnapshot = false)
    {
        options.Validate();
        if (!useSnapshot && !OperatingSystem.IsLinux())
        {
            if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported) SelfDataReader.EnsureSupported();
            useSnapshot = true;
        }
        if (!useSnapshot) SelfDataReader.EnsureSupported();
        return HeapSession.Run(HeapSessionPlan.Census(options), moment => Walk(moment, useSnapshot), whileRegionHeld);
    }

    private static WalkStep<HeapCensus> Walk(HeapMoment moment, bool useSnapshot)
    {
        if (useSnapshot) return SnapshotRoute.Census();
        ClrRuntime runtime = moment.Runtime;
        // Built before the layout is read, sized so it never grows during the walk: a table that grew
        // mid-walk put its new, half-filled bucket array in gen0 ahead of the walker, which then read
        // bucket numbers as a header, on every attempt (seen in a process with ~5,000 types).
        var builder = new HeapCensusBuilder();
        HeapLayout layout = HeapLayout.Read(runtime.Heap, youngOnly: false);
        var visitor = new CensusVisitor(builder);
        WalkOutcome outcome = HeapWalker.Walk(runtime, layout, ref visitor);
        return outcome.Complete ? visitor.Builder.Build() : WalkStep.Retry(HeapWalkFailure.HeapChanging, outcome.Problem!);
    }

    private readonly struct CensusVisitor(HeapCensusBuilder builder) : IHeapVisitor
    {
        public HeapCensusBuilder Builder => builder;

        public void Visit(ulong address, MethodTableInfo info, ulong size, HeapGeneration generation)
            => builder.Add(info.MethodTable, info.Name, info.IsFree, size, generation);
    }
}

/// <summary>Accumulates a census object by object; allocates only for a MethodTable seen for the first time.</summary>
internal sealed class HeapCensusBuilder
{
    private readonly Dictionary<ulong, Entry> _byMethodTable = new(1 << 14);
    private readonly long[] _count = new long[6];
    private readonly long[] _bytes = new long[6];
    private long _freeCount, _freeBytes;
    private Entry? _last;

    public void Add(ulong methodTable, string name, bool isFree, ulong size, HeapGeneration generation)
    {
        if (isFree)
        {
            _freeCount++;
            _freeBytes += (long)size;
            return;
        }
        _count[(int)generation]++;
        _bytes[(int)generation] += (long)size;
        Entry? entry = _last;
        if (entry is null || entry.MethodTable != methodTable)
        {
            if (!_byMethodTable.TryGetValue(methodTable, out entry))
                _byMethodTable[methodTable] = entry = new Entry(methodTable, name);
            _last = entry;
        }
        entry.Count++;
        entry.Bytes += (long)size;
    }

    public HeapCensus Build()
    {
        var types = _byMethodTable.Values
            .Select(e => new TypeStatistics(e.Name, e.Count, e.Bytes))
            .OrderByDescending(t => t.Bytes).ThenBy(t => t.TypeName, StringComparer.Ordinal)
            .ToArray();
        var generations = Enum.GetValues<HeapGeneration>()
            .Select(g => new GenerationStatistics(g, _count[(int)g], _bytes[(int)g]))
            .ToArray();
        return new HeapCensus(types, generations, _freeCount, _freeBytes);
    }

    private sealed class Entry(ulong methodTable, string name)
    {
        public ulong MethodTable { get; } = methodTable;
        public string Name { get; } = name;
        public long Count;
        public long Bytes;
    }
}
