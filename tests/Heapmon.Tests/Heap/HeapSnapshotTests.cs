using System.Runtime.CompilerServices;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Tests.Target;

namespace Heapmon.Tests.Heap;

/// <summary>Whole-heap snapshots against the GC itself ("collect it and see") and ClrMD's counts.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapSnapshotTests
{
    private static Dictionary<int, Person>? s_people;
    private static Population? s_population;

    [Fact]
    public void RetainedSizeOfAStaticDictionaryIsWhatAFullGcFreesWhenItIsDropped()
    {
        Fill(20_000);
        HeapSnapshot.Take();   // warm up: the first walk fills Heapmon's own caches
        HeapSnapshotData snapshot = HeapSnapshot.Take();
        HeapRetainer holder = snapshot.Retainers.Single(r => r.Root == $"static {typeof(HeapSnapshotTests).FullName}.{nameof(s_people)}" && r.Path.Count == 1);
        Assert.Equal(HeapRootKind.StaticField, holder.RootKind);
        Assert.StartsWith("System.Collections.Generic.Dictionary<System.Int32, Heapmon.Tests.Target.Person>", holder.TypeName, StringComparison.Ordinal);
        HeapTypeSummary people = holder.Held.Single(h => h.TypeName == typeof(Person).FullName);
        Assert.Equal(20_000, people.Count);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        s_people = null;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long freed = before - after;
        // Other threads of the test host allocate meanwhile: a few KiB either way.
        Assert.InRange(freed, holder.RetainedBytes - 64 * 1024, holder.RetainedBytes + 64 * 1024);
    }

    [Fact]
    public void PerTypeCountsAgreeWithClrMd()
    {
        s_population = new Population();
        HeapSnapshotData snapshot = HeapSnapshot.Take();
        using var oracle = new ClrMdOracle();
        var counts = oracle.Heap.EnumerateObjects(carefully: true).Where(o => o.Type?.Name?.StartsWith("Heapmon.Tests.Target.", StringComparison.Ordinal) == true)
            .CountBy(o => o.Type!.Name!).ToDictionary();
        foreach ((string type, int count) in counts)
        {
            HeapTypeSummary row = snapshot.Types.Single(t => t.TypeName == type);
            Assert.Equal(count, row.Count);
            // Held by a static: every instance is reached, so the outermost ones retain at least all their shallow bytes.
            Assert.True(row.RetainedBytes >= row.Bytes, $"{type}: retained {row.RetainedBytes} < shallow {row.Bytes}");
        }
        Assert.Equal(snapshot.ObjectCount, snapshot.Types.Sum(t => t.Count));
        Assert.Contains(snapshot.Roots, r => r.Kind == HeapRootKind.StaticField && r.Count > 10);
        s_population = null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fill(int count)
    {
        s_people = new Dictionary<int, Person>(count);
        for (int i = 0; i < count; i++) s_people[i] = new Person("person-" + i, i);
    }
}
