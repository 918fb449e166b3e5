using System.Runtime;
using System.Runtime.CompilerServices;
using Heapmon.Garbage;
using Heapmon.Heap;
using Heapmon.Tests.Target;

namespace Heapmon.Tests.Heap;

/// <summary>
/// The one heap session every walk goes through: it fails only with <see cref="HeapWalkException"/> and a
/// reason, never ends a no-GC region it did not start, and leaves none of its own behind. The runtime is
/// the oracle: <c>GC.TryStartNoGCRegion</c> throws while a region is in progress, and a region a GC ended
/// is no longer <see cref="GCLatencyMode.NoGCRegion"/>.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapSessionTests
{
    private static byte[]? s_sink;

    [Fact]
    public void EveryWalkRefusesInsideTheProgramsOwnNoGcRegionAndLeavesItOpen()
    {
        var target = new Dog();
        var refusals = new List<HeapWalkException>();
        Assert.True(GC.TryStartNoGCRegion(256L << 20));
        try
        {
            refusals.Add(Assert.Throws<HeapWalkException>(() => InstanceFinder.Find([typeof(Dog)], false)));
            refusals.Add(Assert.Throws<HeapWalkException>(() => InstanceFinder.Find([typeof(Dog)], false, HeapWalkOptions.Young)));
            refusals.Add(Assert.Throws<HeapWalkException>(() => HeapCensus.Take()));
            refusals.Add(Assert.Throws<HeapWalkException>(() => RetentionPaths.Find(target)));
            refusals.Add(Assert.Throws<HeapWalkException>(() => CycleFinder.FindAmongInstancesOf(typeof(Dog))));
            // The tracker cannot tell existing instances from new ones: it says why, and tracks nothing.
            using var tracker = new Heapmon.Tracking.ClassTracker();
            refusals.Add(Assert.Throws<HeapWalkException>(() => tracker.TrackClass<Dog>(trace: false)));
            Assert.Empty(tracker.ToData().Classes);
            // Refused before any GC: the program's region still holds.
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        Assert.All(refusals, e =>
        {
            Assert.Equal(HeapWalkFailure.ProgramHoldsNoGCRegion, e.Reason);
            Assert.Equal(0, e.Attempts);
            Assert.Contains("no-GC region", e.Message);
        });
        GC.KeepAlive(target);
    }

    [Fact]
    public void AWalkThatAnotherThreadsGcAlwaysInterruptsFailsWithTheReasonAndLeavesNoRegionBehind()
    {
        // Every attempt holds a region, and another thread's GC.Collect() ends it during the walk.
        var plan = new HeapSessionPlan { MaxAttempts = 3, RegionBytes = 64L << 20, MaxRegionBytes = 64L << 20 };
        int walks = 0;
        var e = Assert.Throws<HeapWalkException>(() => HeapSession.Run<int>(plan, _ =>
        {
            walks++;
            var other = new Thread(() => GC.Collect());
            other.Start();
            other.Join();
            return walks;
        }));

        Assert.Equal(HeapWalkFailure.GcInterrupted, e.Reason);
        Assert.Equal(3, e.Attempts);
        Assert.Equal(3, walks);
        Assert.Contains("a GC interrupted the walk 3 times", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // The session closed each of its regions: the program can open and close its own.
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.True(GC.TryStartNoGCRegion(16L << 20));
        GC.EndNoGCRegion();
    }

    [Fact]
    public void AWalkThatAllocatesPastTheBudgetRunsOutAndAGrowingBudgetRecovers()
    {
        var fixedBudget = new HeapSessionPlan { MaxAttempts = 2, RegionBytes = 16L << 20, MaxRegionBytes = 16L << 20 };
        var e = Assert.Throws<HeapWalkException>(() => HeapSession.Run<int>(fixedBudget, _ => Allocate(64L << 20)));
        Assert.Equal(HeapWalkFailure.BudgetExhausted, e.Reason);
        Assert.Contains("the no-GC budget ran out 2 times", e.Message);

        // 16 MiB runs out; the next attempt gets 64 MiB, enough for 32 MiB (or 256 MiB, if other threads allocated too).
        int attempt = HeapSession.Run<int>(fixedBudget with { MaxAttempts = 3, MaxRegionBytes = 1L << 30 }, moment =>
        {
            Allocate(32L << 20);
            return moment.Attempt;
        });
        Assert.InRange(attempt, 2, 3);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void ABudgetTheGcCannotGiveIsNoErrorTheSentinelStillGuards()
    {
        var plan = new HeapSessionPlan { MaxAttempts = 1, RegionBytes = 1L << 50, MaxRegionBytes = 1L << 50 };
        Assert.Equal(7, HeapSession.Run<int>(plan, moment => moment.NoGcSince ? 7 : WalkStep.Retry(HeapWalkFailure.GcInterrupted, "a GC ran")));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void ARefusalStopsAtOnceAndCarriesItsOwnMessage()
    {
        int walks = 0;
        var e = Assert.Throws<HeapWalkException>(() => HeapSession.Run<int>(new HeapSessionPlan { MaxAttempts = 5 }, _ =>
        {
            walks++;
            return WalkStep.Refuse(HeapWalkFailure.YoungWalkOutOfReach, "Walk the whole heap.");
        }));
        Assert.Equal((HeapWalkFailure.YoungWalkOutOfReach, 1, 1, "Walk the whole heap."), (e.Reason, e.Attempts, walks, e.Message));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Allocate(long bytes)
    {
        // Stored, so the JIT cannot put the arrays on the stack; under 85,000 bytes, so they count against the small-object budget.
        for (long done = 0; done < bytes; done += 64 << 10) s_sink = new byte[64 << 10];
        return 1;
    }
}
