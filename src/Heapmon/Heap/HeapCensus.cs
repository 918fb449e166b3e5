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

    /// <summary>
    /// Heapmon's own objects when the census was taken by its agent in a profiled program (<see cref="ProfilerObjects"/>), left out of
    /// <see cref="Types"/>, <see cref="Generations"/> and the totals; empty otherwise.
    /// </summary>
    internal IReadOnlyList<TypeStatistics> ProfilerTypes { get; init; } = [];

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
        return HeapSession.Run(HeapSessionPlan.Census(options), moment => Walk(moment, useSnapshot, profiler: null), whileRegionHeld);
    }

    /// <summary>
    /// The census Heapmon's agent takes of the program it runs in: its own objects counted apart (<see cref="ProfilerTypes"/>), found
    /// by a first walk and followed through what they hold, then a second walk at the same moment that counts the rest.
    /// </summary>
    internal static HeapCensus TakeApartFromProfiler()
    {
        SelfDataReader.EnsureSupported();
        ProfilerObjects? profiler = ProfilerObjects.OfThisAgent();
        return HeapSession.Run(HeapSessionPlan.Census(HeapWalkOptions.Default), moment => Walk(moment, useSnapshot: false, profiler));
    }

    private static WalkStep<HeapCensus> Walk(HeapMoment moment, bool useSnapshot, ProfilerObjects? profiler)
    {
        if (useSnapshot) return SnapshotRoute.Census();
        ClrRuntime runtime = moment.Runtime;
        HeapLayout layout = HeapLayout.Read(runtime.Heap, youngOnly: false);
        // Twice: following the profiler's objects makes ClrMD read type names, and the new strings its caches keep belong to the profiler too.
        for (int pass = 0; profiler is not null && pass < 2; pass++)
        {
            var roots = new CensusVisitor(new HeapCensusBuilder(profiler));
            WalkOutcome first = HeapWalker.Walk(runtime, layout, ref roots);
            if (!first.Complete) return WalkStep.Retry(HeapWalkFailure.HeapChanging, first.Problem!);
            profiler.FollowFrom(runtime.Heap, roots.Builder.ProfilerAddresses);
        }
        // Built before the walk, sized so it never grows during the walk: a table that grew
        // mid-walk put its new, half-filled bucket array in gen0 ahead of the walker, which then read
        // bucket numbers as a header, on every attempt (seen in a process with ~5,000 types).
        var visitor = new CensusVisitor(new HeapCensusBuilder(profiler));
        WalkOutcome outcome = HeapWalker.Walk(runtime, layout, ref visitor);
        return outcome.Complete ? visitor.Builder.Build() : WalkStep.Retry(HeapWalkFailure.HeapChanging, outcome.Problem!);
    }

    private readonly struct CensusVisitor(HeapCensusBuilder builder) : IHeapVisitor
    {
        public HeapCensusBuilder Builder => builder;

        public void Visit(ulong address, MethodTableInfo info, ulong size, HeapGeneration generation)
            => builder.Add(address, info, size, generation);
    }
}

/// <summary>
/// Accumulates a census object by object; allocates only for a MethodTable seen for the first time (and, counting the
/// profiler apart, for the addresses of its own objects).
/// </summary>
internal sealed class HeapCensusBuilder(ProfilerObjects? profiler = null)
{
    private readonly Dictionary<ulong, Entry> _byMethodTable = new(1 << 14);
    private readonly Dictionary<ulong, Entry> _profilerHeld = new(1 << 8);
    private readonly long[] _count = new long[6];
    private readonly long[] _bytes = new long[6];
    private long _freeCount, _freeBytes;
    private Entry? _last;

    /// <summary>The addresses of objects of the profiler's own types, in walk order.</summary>
    public List<ulong> ProfilerAddresses { get; } = profiler is null ? [] : new(1 << 14);

    /// <summary>Counts one object found by our own walker.</summary>
    public void Add(ulong address, MethodTableInfo info, ulong size, HeapGeneration generation)
        => Add(address, info.MethodTable, info.Name, info.IsFree, size, generation, info);

    /// <summary>Counts one object found by another route (a ClrMD walk of a snapshot): never the profiler's.</summary>
    public void Add(ulong methodTable, string name, bool isFree, ulong size, HeapGeneration generation)
        => Add(0, methodTable, name, isFree, size, generation, info: null);

    private void Add(ulong address, ulong methodTable, string name, bool isFree, ulong size, HeapGeneration generation, MethodTableInfo? info)
    {
        if (isFree)
        {
            _freeCount++;
            _freeBytes += (long)size;
            return;
        }
        Entry? entry = _last;
        if (entry is null || entry.MethodTable != methodTable)
        {
            if (!_byMethodTable.TryGetValue(methodTable, out entry))
                _byMethodTable[methodTable] = entry = new Entry(methodTable, name, info is not null && profiler?.IsOwnType(info) == true);
            _last = entry;
        }
        if (entry.Profiler) ProfilerAddresses.Add(address);
        else if (profiler?.IsHeld(address) == true)
        {
            if (!_profilerHeld.TryGetValue(methodTable, out entry))
                _profilerHeld[methodTable] = entry = new Entry(methodTable, name, profiler: true);
        }
        else
        {
            _count[(int)generation]++;
            _bytes[(int)generation] += (long)size;
        }
        entry.Count++;
        entry.Bytes += (long)size;
    }

    public HeapCensus Build()
    {
        var generations = Enum.GetValues<HeapGeneration>()
            .Select(g => new GenerationStatistics(g, _count[(int)g], _bytes[(int)g]))
            .ToArray();
        return new HeapCensus(Rows(_byMethodTable.Values.Where(e => !e.Profiler)), generations, _freeCount, _freeBytes)
        {
            ProfilerTypes = Rows(_byMethodTable.Values.Where(e => e.Profiler).Concat(_profilerHeld.Values)),
        };
    }

    private static TypeStatistics[] Rows(IEnumerable<Entry> entries) => entries
        .Where(e => e.Count > 0)
        .Select(e => new TypeStatistics(e.Name, e.Count, e.Bytes))
        .OrderByDescending(t => t.Bytes).ThenBy(t => t.TypeName, StringComparer.Ordinal)
        .ToArray();

    private sealed class Entry(ulong methodTable, string name, bool profiler)
    {
        public ulong MethodTable { get; } = methodTable;
        public string Name { get; } = name;
        public bool Profiler { get; } = profiler;
        public long Count;
        public long Bytes;
    }
}
