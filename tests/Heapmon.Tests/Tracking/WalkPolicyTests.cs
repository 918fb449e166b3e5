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
        Assert.False(policy.YoungWalkSuffices(classes)); // never walked
        // Other test classes allocate in parallel, so a GC may slip in between: one clean try suffices.
        Assert.Contains(true, Enumerable.Range(0, 20).Select(_ =>
        {
            Complete(policy, classes);
            return policy.YoungWalkSuffices(classes);
        }).ToArray());
        Assert.False(policy.YoungWalkSuffices([typeof(Uri), typeof(Version)])); // a class was added

        Assert.Contains(true, Enumerable.Range(0, 20).Select(_ =>
        {
            Complete(policy, classes);
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            return policy.YoungWalkSuffices(classes); // gen0 GCs keep everything new in gen0 or gen1
        }).ToArray());
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        Assert.False(policy.YoungWalkSuffices(classes)); // gen1 may have been promoted out of reach

        Complete(policy, classes);
        // A background GC moves the gen2 count only (GC.Collect does a background one when asked not to block).
        GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        GC.WaitForPendingFinalizers();
        Assert.False(policy.YoungWalkSuffices(classes));

        foreach (Type large in new[] { typeof(byte[]), typeof(string), typeof(object), typeof(Array), typeof(System.Collections.IList), typeof(IEnumerable<>) })
        {
            Complete(policy, [large]);
            Assert.False(policy.YoungWalkSuffices([large]), large.Name);
        }
    }

    private static void Complete(WalkPolicy policy, Type[] classes)
        => policy.Completed(classes, GC.CollectionCount(1), GC.CollectionCount(2), WalkPolicy.Mark());

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
