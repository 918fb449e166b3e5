using System.Diagnostics;
using System.Runtime;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// Finds the live instances of types by walking our own GC heap, without the types' cooperation
/// (Pympler's ClassTracker patches <c>__init__</c>; we read the heap). Walks are serialised
/// process-wide and run under the no-GC protocol of docs/heap.md (How it works): the result is exact for
/// one moment, or the call retries and finally throws <see cref="HeapWalkException"/>, never a wrong reference.
/// </summary>
public static class InstanceFinder
{
    /// <summary>The live instances of <paramref name="types"/> on the whole heap (Pympler: ClassTracker instance discovery).</summary>
    /// <param name="types">Classes, structs (boxed instances), open generics (every instantiation), interfaces (every implementer).</param>
    /// <param name="includeSubclasses">Also instances of subclasses (Pympler: track_class(..., trace/inherit)).</param>
    /// <exception cref="HeapWalkException">No consistent view of the heap in the allowed attempts.</exception>
    /// <exception cref="PlatformNotSupportedException">Native AOT, or an OS where neither route works.</exception>
    public static FoundInstances Find(IReadOnlyCollection<Type> types, bool includeSubclasses)
        => Find(types, includeSubclasses, HeapWalkOptions.Default);

    /// <summary>The live instances of <paramref name="types"/> in the part of the heap <paramref name="options"/> names.</summary>
    /// <exception cref="HeapWalkException">No consistent view of the heap in the allowed attempts.</exception>
    /// <exception cref="PlatformNotSupportedException">Native AOT, or an OS where neither route works.</exception>
    public static FoundInstances Find(IReadOnlyCollection<Type> types, bool includeSubclasses, HeapWalkOptions options)
        => Find(types, includeSubclasses, options, useSnapshot: !OperatingSystem.IsLinux());

    /// <summary>
    /// The same, choosing the route: our own walker (Linux), or a ClrMD walk of a snapshot of the
    /// process (<c>DataTarget.CreateSnapshotAndAttach</c>, the fallback off Linux and the benchmark's baseline).
    /// </summary>
    internal static FoundInstances Find(IReadOnlyCollection<Type> types, bool includeSubclasses, HeapWalkOptions options, bool useSnapshot)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var matcher = new TypeMatcher(types, includeSubclasses);
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            SelfDataReader.EnsureSupported();
        if (!useSnapshot) SelfDataReader.EnsureSupported();

        using Lock.Scope scope = HeapWalkLock.Enter();
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            throw new InvalidOperationException("Cannot walk the heap while the program holds a no-GC region (GC.TryStartNoGCRegion).");

        var stopwatch = Stopwatch.StartNew();
        string problem = "none";
        // Young: counted before the first GC, so a gen1 GC during a failed attempt shows in them.
        GcCounts start = GcCounts.Now(), moment = default;
        for (int attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            object[][]? chunks = null;
            long walked = 0;
            int partialRanges = 0;
            bool inRegion = false;
            try
            {
                (long, int) before = default;
                if (options.Scope == HeapScope.Full)
                    before = GcMoment.Begin(attempt == 1 ? null : options.NoGCRegionBytes, out inRegion);
                else
                {
                    GC.Collect(0, GCCollectionMode.Forced, blocking: true); // gen0 only: what gen1 holds stays in reach
                }
                Phase(0, stopwatch);

                // Started after the moment (the last GC): it proves no GC ran between the moment and the walk's end.
                using GcSentinel sentinel = GcSentinel.Start();
                // Counted after the sentinel started: a GC slipping in before the count shows in it, one after in the sentinel.
                moment = GcCounts.Now();
                GcMoment? gcMoment = null;
                if (options.Scope == HeapScope.Full)
                {
                    gcMoment = GcMoment.Read(before);
                    if (gcMoment is null) { problem = "the GC's figures for the moment of the walk were not recorded"; continue; }
                }
                else if (options.Since is { } since ? !moment.YoungWalkFindsAllMadeSince(since) : (moment.Gen1, moment.Gen2) != (start.Gen1, start.Gen2))
                {
                    // The GC may collect gen1 too when it chooses (or another thread's GC may have): then
                    // instances can have left gen1 for gen2, and no young walk can find them. Say so at once.
                    // Only a caller that knows the last walk's moment can tell the harmless case apart (its
                    // own GC the only one since); without it, gen1 held instances no walk has seen.
                    throw new HeapWalkException(attempt, "a gen1 or gen2 GC ran since the last walk, so instances may have left for gen2: walk the whole heap");
                }
                // The ClrMD runtime is made after the GC: one made before it kept a stale view of the
                // gen0 regions under server GC (the young walk found nothing).
                ClrRuntime? runtime = useSnapshot ? null : SelfRuntime.Fresh();
                AddressBuffer.Reset(AddressBuffer.Array.Length);
                WalkOutcome outcome = runtime is null
                    ? SnapshotRoute.CollectAddresses(matcher, options.Scope)
                    : WalkOwnHeap(runtime, matcher, options.Scope, gcMoment, stopwatch);
                walked = outcome.ObjectsWalked;
                partialRanges = outcome.PartialRanges;
                Phase(2, stopwatch);
                if (!outcome.Complete) { problem = outcome.Problem!; continue; }
                if (!sentinel.NoGcSince) { problem = "a GC ran during the walk"; continue; }
                chunks = AddressMaterialiser.TryMaterialise(AddressBuffer.Array, AddressBuffer.Count, sentinel);
                if (chunks is null) { problem = "a GC ran while the addresses were turned into references"; continue; }
                Phase(3, stopwatch);
            }
            finally
            {
                if (inRegion && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                    GC.EndNoGCRegion();
            }

            var instances = new List<object>(AddressBuffer.Count);
            bool allRight = true;
            foreach (object[] chunk in chunks)
                foreach (object instance in chunk)
                {
                    allRight &= matcher.IsMatch((ulong)instance.GetType().TypeHandle.Value);
                    instances.Add(instance);
                }
            if (!allRight) { problem = "an object of an unexpected type was found"; continue; }
            return new FoundInstances(instances, options.Scope, attempt, walked, stopwatch.Elapsed, AddressBuffer.PossiblyNewer, partialRanges)
            {
                Moment = moment,
            };
        }
        throw new HeapWalkException(options.MaxAttempts, problem);
    }

    /// <summary>Milliseconds at the end of each phase of the last attempt: GCs, layout read, walk, materialise (diagnostics).</summary>
    internal static double[] LastPhases { get; } = new double[4];

    private static void Phase(int index, Stopwatch stopwatch) => LastPhases[index] = stopwatch.Elapsed.TotalMilliseconds;

    private static WalkOutcome WalkOwnHeap(ClrRuntime runtime, TypeMatcher matcher, HeapScope scope, GcMoment? moment, Stopwatch stopwatch)
    {
        HeapLayout layout = HeapLayout.Read(runtime.Heap, youngOnly: scope == HeapScope.Young);
        if (moment is { } m) layout = m.Select(layout, runtime);
        Phase(1, stopwatch);
        var visitor = new FinderVisitor(matcher);
        return HeapWalker.Walk(runtime, layout, ref visitor);
    }

    private struct FinderVisitor(TypeMatcher matcher) : IHeapVisitor
    {
        // Runs of one type are common (arrays of nodes, lists of items): skip the dictionary for them.
        private MethodTableInfo? _last;
        private bool _lastMatched;

        public void Visit(ulong address, MethodTableInfo info, ulong size, HeapGeneration generation)
        {
            if (!ReferenceEquals(info, _last))
            {
                _last = info;
                _lastMatched = !info.IsFree && matcher.IsMatch(info);
            }
            if (_lastMatched) AddressBuffer.Add(address, generation);
        }
    }
}
