using Heapmon.Heap;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>The young-generation walk is used only when it cannot miss an instance.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class WalkPolicyTests
{
    [Fact]
    public void YoungWalkOnlyWithoutGen1OrGen2GcSinceTheLastWalkTheSameClassesAndNoLargeObjects()
    {
        var policy = new WalkPolicy();
        Type[] classes = [typeof(Uri)];
        Assert.False(YoungWalk(policy, classes)); // never walked
        // Other test classes allocate in parallel, so a GC may slip in between: one clean try suffices.
        Assert.Contains(true, Enumerable.Range(0, 20).Select(_ =>
        {
            Complete(policy, classes);
            return YoungWalk(policy, classes);
        }).ToArray());
        Assert.False(YoungWalk(policy, [typeof(Uri), typeof(Version)])); // a class was added

        Assert.Contains(true, Enumerable.Range(0, 20).Select(_ =>
        {
            Complete(policy, classes);
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            return YoungWalk(policy, classes); // gen0 GCs keep everything new in gen0 or gen1
        }).ToArray());
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        Assert.False(YoungWalk(policy, classes)); // gen1 may have been promoted out of reach

        Complete(policy, classes);
        // A background GC moves the gen2 count only (GC.Collect does a background one when asked not to block).
        GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        GC.WaitForPendingFinalizers();
        Assert.False(YoungWalk(policy, classes));

        foreach (Type large in new[] { typeof(byte[]), typeof(string), typeof(object), typeof(Array), typeof(System.Collections.IList), typeof(IEnumerable<>) })
        {
            Complete(policy, [large]);
            Assert.False(YoungWalk(policy, [large]), large.Name);
        }
    }

    private static void Complete(WalkPolicy policy, Type[] classes)
        => policy.Completed(classes, GcCounts.Now(), WalkPolicy.Mark());

    private static bool YoungWalk(WalkPolicy policy, Type[] classes) => policy.YoungSince(classes) is not null;

    [Theory]
    [InlineData(0, 0, 0, true)]   // no GC since: nothing new left gen0
    [InlineData(5, 0, 0, true)]   // gen0 GCs only: everything new is in gen0 or gen1
    [InlineData(1, 1, 0, true)]   // the walk's own GC, the only one since, also collected gen1: new objects went gen0 -> gen1
    [InlineData(2, 1, 0, false)]  // a gen0 GC, then a gen1 GC: objects promoted by the first may be in gen2 now
    [InlineData(1, 1, 1, false)]  // a gen2 GC
    [InlineData(0, 0, 1, false)]  // a background GC (gen2 count only)
    [InlineData(3, 2, 0, false)]
    public void AYoungWalkStandsWhenNoGen1OrGen2GcRanOrItsOwnGcWasTheOnlyOne(int gen0Since, int gen1Since, int gen2Since, bool stands)
    {
        var since = new GcCounts(40, 12, 3);
        var after = new GcCounts(since.Gen0 + gen0Since, since.Gen1 + gen1Since, since.Gen2 + gen2Since);
        Assert.Equal(stands, after.YoungWalkFindsAllMadeSince(since));
    }

    [Fact]
    public void AYoungWalkWhoseOwnGcAlsoCollectedGen1FindsEveryInstanceMadeSinceTheLastWalk()
    {
        // In a child process, where no other test's GC slips in: the walks' own GCs escalate to gen1 now and then.
        ChildResult honest = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Tests.Target"), ["escalation", "400"]);
        ChildResult control = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Tests.Target"), ["escalation", "400", "lie"]);
        ChildResult uncounted = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Tests.Target"), ["escalation", "400", "public"]);

        int[] h = Figures(honest), c = Figures(control), p = Figures(uncounted); // walks, stood, escalated, missed, refused
        Assert.True(h[2] >= 1, $"no walk's own GC collected gen1, so the rule went untested: {honest}");
        Assert.True(h[3] == 0, $"{h[3]} instances missed: {honest}");
        // The control: told that no GC ran when one did, escalated walks miss what that GC had moved to gen1.
        Assert.True(c[2] >= 1 && c[3] >= 50, $"the control missed nothing, so a miss would go unseen: {control}");
        // The public young scope, given no counts, cannot tell: it refuses every walk whose GC collected gen1.
        Assert.True(p[2] == 0 && p[3] == 0 && p[4] >= 1, $"the public young scope let an escalated walk stand: {uncounted}");

        static int[] Figures(ChildResult result)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            string line = result.StdOut.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("escalation|", StringComparison.Ordinal));
            return [.. line.Split('|').Skip(1).Select(int.Parse)];
        }
    }

    [Fact]
    public void AWalkIsSkippedOnlyWhenNoOtherThreadAllocated()
    {
        var policy = new WalkPolicy();
        Type[] classes = [typeof(Uri)];
        Assert.False(policy.NothingAllocatedElsewhereSince(WalkPolicy.Mark())); // never walked

        Complete(policy, classes);
        var other = new Thread(() => GC.KeepAlive(new Uri("https://example.org/")));
        other.Start();
        other.Join();
        Assert.False(policy.NothingAllocatedElsewhereSince(WalkPolicy.Mark()));

        // Off a periodic-snapshot thread the program's own allocations cannot be told apart: never skip,
        // even when no other thread allocated.
        Complete(policy, classes);
        Assert.False(policy.NothingAllocatedElsewhereSince(WalkPolicy.Mark()));

        // From another thread than the walk's, its own allocations cannot be told apart: never skip.
        AllocationMark elsewhere = default;
        var reader = new Thread(() => elsewhere = WalkPolicy.Mark());
        reader.Start();
        reader.Join();
        Assert.False(policy.NothingAllocatedElsewhereSince(elsewhere));
    }

    [Fact]
    public void AnIdleProgramCostsNoWalksAndEveryInstanceMadeMeanwhileIsFound()
    {
        // In a child process: here, other tests allocate on other threads all the time.
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Tests.Target"), ["idle"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StdOut.Split('\n', StringSplitOptions.TrimEntries);

        int[] idle = [.. lines.Single(l => l.StartsWith("idle|", StringComparison.Ordinal)).Split('|').Skip(1).Select(int.Parse)];
        int periodic = int.Parse(lines.Single(l => l.StartsWith("periodic|", StringComparison.Ordinal)).Split('|')[1]);
        Assert.True(periodic >= 10, result.ToString());
        // Most walks skipped (without the skip none is): after a GC the finalizer thread allocates, and
        // the snapshot after it walks; a gen1 GC even makes it a full walk.
        Assert.True(idle[2] >= periodic / 2, result.ToString());
        Assert.Equal(1000, idle[3]);          // and nothing lost

        foreach (string busy in lines.Where(l => l.StartsWith("busy|", StringComparison.Ordinal)))
        {
            string[] f = busy.Split('|');
            Assert.Equal(f[2], f[3]); // every instance the other thread made is tracked
        }
    }
}
