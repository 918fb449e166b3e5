using System.Runtime.CompilerServices;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Tests.Target;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Heap;

/// <summary>Whole-heap snapshots against the GC itself ("collect it and see") and ClrMD's counts.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapSnapshotTests
{
    private static Dictionary<int, Person>? s_people;
    private static Population? s_population;

    [Fact]
    public void RetainedSizeOfAStaticDictionaryIsEverythingOnlyItReaches()
    {
        Fill(20_000);
        HeapSnapshotData snapshot = HeapSnapshot.Take();
        string field = $"static {typeof(HeapSnapshotTests).FullName}.{nameof(s_people)}";
        HeapRetainer holder = snapshot.Retainers.Single(r => r.Root == field && r.Path.Count == 1);
        Assert.Equal(GcRootKind.StaticField, holder.RootKind);
        Assert.StartsWith("System.Collections.Generic.Dictionary<System.Int32, Heapmon.Tests.Target.Person>", holder.TypeName, StringComparison.Ordinal);
        Assert.Equal(20_000, holder.Held.Single(h => h.TypeName == typeof(Person).FullName).Count);

        // The oracle: ClrMD's sizes of everything reachable from the dictionary, which nothing else references
        // (each person and its name string are its own). The GC's side of it, dropping the dictionary and
        // measuring what a full GC frees, runs in a quiet child process: samples/HeapSnapshots.
        using var oracle = new ClrMdOracle();
        ClrType test = oracle.Runtime.EnumerateModules().Select(m => m.GetTypeByName(typeof(HeapSnapshotTests).FullName!)).First(t => t is not null)!;
        ClrObject dictionary = test.GetStaticFieldByName(nameof(s_people))!
            .ReadObject(oracle.Runtime.AppDomains[0]);
        var seen = new HashSet<ulong> { dictionary.Address };
        var stack = new Stack<ulong>(seen);
        long total = 0;
        while (stack.Count > 0)
        {
            ulong address = stack.Pop();
            total += (long)oracle.AlignedSize(address);
            foreach (ulong next in oracle.Heap.GetObject(address).EnumerateReferenceAddresses(carefully: true))
                if (seen.Add(next)) stack.Push(next);
        }
        Assert.Equal(total, holder.RetainedBytes);
        s_people = null;
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
        Assert.Contains(snapshot.Roots, r => r.Kind == GcRootKind.StaticField && r.Count > 10);
        s_population = null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fill(int count)
    {
        s_people = new Dictionary<int, Person>(count);
        for (int i = 0; i < count; i++) s_people[i] = new Person("person-" + i, i);
    }
}
