using Heapmon.Heap;
using Heapmon.Model;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Heap;

/// <summary>
/// Static-field roots read with what earlier walks kept (ClrMD's types are flushed between walks) against the same read
/// with ClrMD's own listing of every type with statics, before and after: the same slots with the same labels.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class DominatorRootsStaticCacheTests
{
    private static readonly object s_held = new();
    [ThreadStatic] private static object? s_perThread;

    [Fact]
    public void ReusedStaticSlotsAreThoseClrMdListsAfresh()
    {
        GC.KeepAlive(s_held);
        using var _ = HeapWalkLock.Enter();
        var before = Slots(reuse: false);
        Slots(reuse: true);   // fills the cache if no earlier walk did
        var reused = Slots(reuse: true);
        var after = Slots(reuse: false);
        Assert.True(StaticFieldCache.TypesKept > 0, "the reused reads kept nothing: the cache was not exercised");
        Assert.NotEmpty(before);
        // Types initialized meanwhile may add slots; none goes away, and a slot's label never changes.
        foreach ((ulong slot, (string, bool) field) in before) Assert.Equal(field, reused[slot]);
        foreach ((ulong slot, (string, bool) field) in reused) Assert.Equal(field, after[slot]);
        Assert.Contains(($"static {typeof(DominatorRootsStaticCacheTests).FullName}.s_held", false), reused.Values);
    }

    [Fact]
    public void ThreadStaticRootsAreReadAfreshWithTheCache()
    {
        object mine = s_perThread = new object();
        using var _ = HeapWalkLock.Enter();
        for (int walk = 0; walk < 3; walk++)
        {
            var roots = new List<GraphRoot>();
            GraphRoots.StaticsAndThreadStatics(SelfRuntime.Fresh(), [], roots, reuse: true);
            Assert.All(roots, r => Assert.Equal(GcRootKind.ThreadStatic, r.Kind));
            Assert.Contains(roots, r => r.Label.StartsWith($"thread-static {typeof(DominatorRootsStaticCacheTests).FullName}.s_perThread (", StringComparison.Ordinal));
        }
        GC.KeepAlive(mine);
    }

    private static Dictionary<ulong, (string, bool)> Slots(bool reuse)
    {
        var slots = new Dictionary<ulong, (string, bool)>();
        GraphRoots.StaticsAndThreadStatics(SelfRuntime.Fresh(), slots, [], reuse);
        return slots;
    }
}
