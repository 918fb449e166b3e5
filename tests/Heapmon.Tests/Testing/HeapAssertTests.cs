using Heapmon.Testing;

namespace Heapmon.Tests.Testing;

/// <summary>
/// HeapAssert.NoInstances / Instances and the checkpoint: counts against what the test made and kept,
/// weak references as the oracle for what died, and failure messages that name the static root.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapAssertTests : IDisposable
{
    private const string Type = "Heapmon.Tests.Testing.LeakyConnection";

    public void Dispose() => LeakyPool.s_idle.Clear();

    [Fact]
    public void NoInstancesPassesWhenEveryInstanceIsGarbage()
    {
        LeakyPool.s_idle.Clear();
        WeakReference[] weak = LeakyPool.Weak(50);
        LeakyPool.MakeGarbage(50);

        HeapAssert.NoInstances<LeakyConnection>();

        Assert.All(weak, w => Assert.False(w.IsAlive));
    }

    [Fact]
    public void NoInstancesFailsNamingTheStaticRootOfTheFirstSurvivors()
    {
        LeakyPool.s_idle.Clear();
        LeakyPool.Leak(3);
        LeakyPool.MakeGarbage(20);

        HeapAssertionException e = Assert.Throws<HeapAssertionException>(HeapAssert.NoInstances<LeakyConnection>);

        Assert.StartsWith($"3 instances of {Type} alive after a full GC (expected none); #1 is held by static Heapmon.Tests.Testing.LeakyPool.s_idle → System.Collections.Generic.List<{Type}>._items → {Type}[][", e.Message);
        Assert.Contains($"#3 is held by static Heapmon.Tests.Testing.LeakyPool.s_idle", e.Message);
    }

    [Fact]
    public void InstancesAllowsUpToItsLimit()
    {
        LeakyPool.s_idle.Clear();
        LeakyPool.Leak(3);

        HeapAssert.Instances<LeakyConnection>(atMost: 3);
        HeapAssertionException e = Assert.Throws<HeapAssertionException>(() => HeapAssert.Instances<LeakyConnection>(atMost: 2));

        Assert.StartsWith($"3 instances of {Type} alive after a full GC (expected at most 2)", e.Message);
    }

    [Fact]
    public void ASurvivorHeldOnlyByALocalIsSaidToBe()
    {
        LeakyPool.s_idle.Clear();
        var local = new LeakyConnection();

        HeapAssertionException e = Assert.Throws<HeapAssertionException>(HeapAssert.NoInstances<LeakyConnection>);

        Assert.Contains("1 instance of", e.Message);
        Assert.Contains("a local variable on a thread's stack holds it", e.Message);
        GC.KeepAlive(local);
    }

    [Fact]
    public void CheckpointCountsOnlyWhatWasMadeSinceAndStillLives()
    {
        LeakyPool.s_idle.Clear();
        LeakyPool.Leak(2);
        using HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
        LeakyPool.MakeGarbage(30);
        checkpoint.NoSurvivors<LeakyConnection>();

        LeakyPool.Leak(1);
        checkpoint.SurvivorsAtMost<LeakyConnection>(1);
        HeapAssertionException e = Assert.Throws<HeapAssertionException>(checkpoint.NoSurvivors<LeakyConnection>);

        Assert.StartsWith($"1 instance of {Type} made since the checkpoint survived (expected none; 2 instances alive at the checkpoint not counted); #1 is held by static Heapmon.Tests.Testing.LeakyPool.s_idle", e.Message);
    }

    [Fact]
    public void ADisposedCheckpointRefusesToCheck()
    {
        HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
        checkpoint.Dispose();

        Assert.Throws<ObjectDisposedException>(checkpoint.NoSurvivors<LeakyConnection>);
        Assert.Throws<ArgumentOutOfRangeException>(() => HeapAssert.Instances<LeakyConnection>(atMost: -1));
    }
}
