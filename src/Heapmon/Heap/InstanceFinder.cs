using System.Diagnostics;
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
    /// <exception cref="HeapWalkException">No consistent view of the heap in the allowed attempts, or the program holds a no-GC region (<see cref="HeapWalkException.Reason"/>).</exception>
    /// <exception cref="PlatformNotSupportedException">Native AOT, or an OS where neither route works.</exception>
    public static FoundInstances Find(IReadOnlyCollection<Type> types, bool includeSubclasses)
        => Find(types, includeSubclasses, HeapWalkOptions.Default);

    /// <summary>The live instances of <paramref name="types"/> in the part of the heap <paramref name="options"/> names.</summary>
    /// <exception cref="HeapWalkException">
    /// No consistent view of the heap in the allowed attempts, the program holds a no-GC region, or (young scope)
    /// a gen1 or gen2 GC may have moved instances out of reach (<see cref="HeapWalkException.Reason"/>).
    /// </exception>
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

        var discovery = new Discovery(matcher, options, useSnapshot, Stopwatch.StartNew());
        return HeapSession.Run<FoundInstances>(HeapSessionPlan.Discovery(options), discovery.Attempt);
    }

    /// <summary>Milliseconds at the end of each phase of the last attempt: GCs, layout read, walk, materialise (diagnostics).</summary>
    internal static double[] LastPhases { get; } = new double[4];

    private static void Phase(int index, Stopwatch stopwatch) => LastPhases[index] = stopwatch.Elapsed.TotalMilliseconds;

    /// <summary>One discovery: each attempt walks, turns the addresses into references, and checks their types.</summary>
    private sealed class Discovery(TypeMatcher matcher, HeapWalkOptions options, bool useSnapshot, Stopwatch stopwatch)
    {
        public WalkStep<FoundInstances> Attempt(HeapMoment moment)
        {
            Phase(0, stopwatch);
            GcMoment? figures = null;
            if (options.Scope == HeapScope.Full)
            {
                figures = moment.Figures();
                if (figures is null) return WalkStep.Retry(HeapWalkFailure.GcInterrupted, "the GC's figures for the moment of the walk were not recorded");
            }
            else if (!YoungWalkInReach(moment))
            {
                // The GC may collect gen1 too when it chooses (or another thread's GC may have): then
                // instances can have left gen1 for gen2, and no young walk can find them. Say so at once.
                return WalkStep.Refuse(HeapWalkFailure.YoungWalkOutOfReach,
                    "A young-generation walk cannot find every instance: a gen1 or gen2 GC ran since the last walk, so instances may have left for gen2; walk the whole heap.");
            }
            AddressBuffer.Reset(AddressBuffer.Array.Length);
            WalkOutcome outcome = useSnapshot
                ? SnapshotRoute.CollectAddresses(matcher, options.Scope)
                : WalkOwnHeap(moment.Runtime, figures);
            Phase(2, stopwatch);
            if (!outcome.Complete) return WalkStep.Retry(HeapWalkFailure.HeapChanging, outcome.Problem!);
            if (!moment.NoGcSince) return WalkStep.Retry(HeapWalkFailure.GcInterrupted, "a GC ran during the walk");
            object[][]? chunks = moment.Materialise(AddressBuffer.Array, AddressBuffer.Count);
            if (chunks is null) return WalkStep.Retry(HeapWalkFailure.GcInterrupted, "a GC ran while the addresses were turned into references");
            Phase(3, stopwatch);
            return Result(chunks, moment, outcome);
        }

        /// <summary>
        /// Only a caller that knows the last walk's moment can tell the harmless case apart (its own GC the
        /// only one since); without it, gen1 held instances no walk has seen.
        /// </summary>
        private bool YoungWalkInReach(HeapMoment moment) => options.Since is { } since
            ? moment.Counts.YoungWalkFindsAllMadeSince(since)
            : (moment.Counts.Gen1, moment.Counts.Gen2) == (moment.AtStart.Gen1, moment.AtStart.Gen2);

        private WalkOutcome WalkOwnHeap(ClrRuntime runtime, GcMoment? figures)
        {
            HeapLayout layout = HeapLayout.Read(runtime.Heap, youngOnly: options.Scope == HeapScope.Young);
            if (figures is { } moment) layout = moment.Select(layout, runtime);
            Phase(1, stopwatch);
            var visitor = new FinderVisitor(matcher);
            return HeapWalker.Walk(runtime, layout, ref visitor);
        }

        private WalkStep<FoundInstances> Result(object[][] chunks, HeapMoment moment, WalkOutcome outcome)
        {
            var instances = new List<object>(AddressBuffer.Count);
            bool allRight = true;
            foreach (object[] chunk in chunks)
                foreach (object instance in chunk)
                {
                    allRight &= matcher.IsMatch((ulong)instance.GetType().TypeHandle.Value);
                    instances.Add(instance);
                }
            if (!allRight) return WalkStep.Retry(HeapWalkFailure.HeapChanging, "an object of an unexpected type was found");
            return new FoundInstances(instances, options.Scope, moment.Attempt, outcome.ObjectsWalked, stopwatch.Elapsed, AddressBuffer.PossiblyNewer, outcome.PartialRanges)
            {
                Moment = moment.Counts,
            };
        }
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
