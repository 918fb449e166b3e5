using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>The young walk after a gen0 GC is used whenever no gen1 or older GC ran since the last walk.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class WalkPolicyGen0Tests
{
    [Fact]
    public void Gen0GcsKeepTheYoungWalkButAnOlderGcOrOtherClassesRuleItOut()
    {
        var policy = new WalkPolicy();
        Type[] classes = [typeof(Uri)];
        Assert.False(policy.YoungAfterGen0Suffices(classes)); // never walked
        // Other test classes may run a gen1 GC in between: one clean try suffices.
        Assert.Contains(true, Enumerable.Range(0, 20).Select(_ =>
        {
            policy.Completed(classes);
            int older = GC.CollectionCount(1);
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            return GC.CollectionCount(1) == older && policy.YoungAfterGen0Suffices(classes);
        }).ToArray());
        Assert.False(policy.YoungAfterGen0Suffices([typeof(Uri), typeof(Version)]));
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        Assert.False(policy.NoOlderGcSinceWalk);
        Assert.False(policy.YoungAfterGen0Suffices(classes));
        policy.Completed([typeof(byte[])]);
        Assert.False(policy.YoungAfterGen0Suffices([typeof(byte[])])); // large objects are not walked
    }
}
