using System.Runtime;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>One attempt of a walk at the moment a <see cref="HeapSession"/> holds.</summary>
internal delegate WalkStep<T> HeapWalk<T>(HeapMoment moment);

/// <summary>
/// The one way Heapmon takes the heap for a moment (docs/heap.md, How it works): the walk lock; a GC
/// (full and blocking, or gen0 for a young walk); a no-GC region it starts and ends itself, never one it
/// did not start; a sentinel that sees any GC; ClrMD's fresh view; the walk; the sentinel checked; retries
/// within a bounded budget. Its only failure is <see cref="HeapWalkException"/>, never the runtime's own
/// errors. Discovery, the census and the garbage analyses all go through it; the createdump snapshot
/// route (Garbage's SnapshotSession) takes the same walk lock, and needs nothing else: a dump is frozen.
/// </summary>
internal static class HeapSession
{
    private const string ProgramRegion =
        "Cannot walk the heap while the program holds a no-GC region (GC.TryStartNoGCRegion): a GC now would end it; walk after GC.EndNoGCRegion.";

    /// <summary>Runs <paramref name="walk"/> at one GC moment per attempt until an attempt succeeds.</summary>
    /// <param name="plan">Which GC, which no-GC region from which attempt, how many attempts.</param>
    /// <param name="walk">One attempt: returns plain data (or references through <see cref="HeapMoment.Materialise"/>), or a failure.</param>
    /// <param name="whileHeld">Runs on the verified result while the moment, and the no-GC region, still hold.</param>
    /// <exception cref="HeapWalkException">Every attempt failed, or no attempt can succeed.</exception>
    public static T Run<T>(HeapSessionPlan plan, HeapWalk<T> walk, Action<T>? whileHeld = null)
    {
        using Lock.Scope scope = HeapWalkLock.Enter();
        var failures = new WalkFailures();
        GcCounts atStart = GcCounts.Now();
        long regionBytes = plan.RegionBytes;
        for (int attempt = 1; attempt <= plan.MaxAttempts; attempt++)
        {
            WalkStep<T> step = Attempt(plan.FullGc, walk, whileHeld, attempt, atStart, attempt >= plan.RegionFromAttempt ? regionBytes : 0);
            if (step.Succeeded) return step.Value!;
            if (step.Final)
            {
                int walked = step.Failure == HeapWalkFailure.ProgramHoldsNoGCRegion ? attempt - 1 : attempt;
                throw WalkFailures.Refusal(step.Failure, walked, step.Problem!);
            }
            failures.Add(step.Failure, step.Problem!);
            if (step.Failure == HeapWalkFailure.BudgetExhausted) regionBytes = Math.Min(regionBytes * 4, plan.MaxRegionBytes);
        }
        throw failures.ToException();
    }

    /// <summary>
    /// Runs a ClrMD analysis of the whole heap that returns plain data (retention paths, cycles, a whole-heap
    /// snapshot): a full GC, then a no-GC region sized from the heap for the whole analysis.
    /// </summary>
    /// <exception cref="HeapWalkException">No consistent view of the heap in 3 attempts, or the program holds a no-GC region.</exception>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or Native AOT.</exception>
    public static T Analyse<T>(Func<ClrRuntime, T> analysis)
    {
        SelfDataReader.EnsureSupported();
        return Run<T>(HeapSessionPlan.Analysis(), moment => analysis(moment.Runtime));
    }

    private static WalkStep<T> Attempt<T>(bool fullGc, HeapWalk<T> walk, Action<T>? whileHeld, int attempt, GcCounts atStart, long regionBytes)
    {
        // The program's region (started on another thread since, or before we came): our GC would end it.
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return WalkStep.Refuse(HeapWalkFailure.ProgramHoldsNoGCRegion, ProgramRegion);
        (long Index, int Collections) before = default;
        OwnNoGCRegion region = default;
        // Every other thread waits for these GCs: a lowered thread (periodic snapshots) runs them at normal priority.
        using (ThreadNice.Normal())
        {
            if (fullGc)
            {
                // Full and blocking: no dead object is left to find, and no background GC sweeps while we walk.
                GC.Collect();
                before = (GC.GetGCMemoryInfo(GCKind.Any).Index, GC.CollectionCount(0));
            }
            else
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true); // gen0 only: what gen1 holds stays in reach
            }
            if (regionBytes > 0 && !OwnNoGCRegion.TryStart(regionBytes, out region))
                return WalkStep.Refuse(HeapWalkFailure.ProgramHoldsNoGCRegion, ProgramRegion);
        }
        using (region)
        {
            // Started after the moment's GC: it proves no GC ran between that GC and the walk's end.
            using GcSentinel sentinel = GcSentinel.Start();
            var moment = new HeapMoment(attempt, sentinel, before, atStart);
            WalkStep<T> step = walk(moment);
            if (!step.Final && !moment.ReferencesHeld && !sentinel.NoGcSince)
            {
                // Whatever the walk made of it, its addresses may be stale now.
                step = region.RanOut
                    ? WalkStep.Retry(HeapWalkFailure.BudgetExhausted, $"the walk and the program allocated more than the no-GC budget ({region.Bytes >> 20} MiB)")
                    : WalkStep.Retry(HeapWalkFailure.GcInterrupted, "a GC ran during the walk");
            }
            if (step.Succeeded) whileHeld?.Invoke(step.Value!);
            return step;
        }
    }
}
