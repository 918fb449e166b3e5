using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>The young-generation walk is used only when it cannot miss an instance.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class WalkPolicyTests
{
    [Fact]
    public void YoungWalkOnlyWithoutAnyGcSinceTheLastWalkTheSameClassesAndNoLargeObjects()
    {
        var policy = new WalkPolicy();
        Type[] classes = [typeof(Uri)];
        Assert.False(policy.YoungWalkSuffices(classes)); // never walked
        // Other test classes allocate in parallel, so a GC may slip in between: one clean try suffices.
        Assert.Contains(true, Enumerable.Range(0, 20).Select(_ =>
        {
            policy.Completed(classes);
            return policy.YoungWalkSuffices(classes);
        }).ToArray());
        Assert.False(policy.YoungWalkSuffices([typeof(Uri), typeof(Version)])); // a class was added
        GC.Collect(0);
        Assert.False(policy.YoungWalkSuffices(classes)); // an instance may have been promoted out of reach

        foreach (Type large in new[] { typeof(byte[]), typeof(string), typeof(object), typeof(Array), typeof(System.Collections.IList), typeof(IEnumerable<>) })
        {
            policy.Completed([large]);
            Assert.False(policy.YoungWalkSuffices([large]), large.Name);
        }
    }
}
