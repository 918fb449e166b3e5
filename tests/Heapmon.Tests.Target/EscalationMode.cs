using System.Runtime.CompilerServices;
using Heapmon.Heap;

namespace Heapmon.Tests.Target;

/// <summary>
/// `escalation <walks>`: young walks, each after a round of new instances and of objects that survive
/// into gen1, so gen1 fills up and the GC now and then makes a walk's own gen0 GC a gen1 GC. A walk
/// given the last walk's counts must then still find every instance made since (its GC moved them
/// gen0 -> gen1), or refuse; never miss one. Prints `escalation|walks|stood|escalated|missed|refused`.
/// `escalation <walks> lie` is the control that shows a miss would be seen: a gen0 GC runs before each
/// walk (the fresh instances go to gen1), and the walk is told it did not; an escalated walk's GC then
/// moves them on to gen2, out of reach. `escalation <walks> public` gives no counts (the public young
/// scope): a walk whose own GC collected gen1 must then refuse, since gen1 may have held instances no
/// walk had seen.
/// </summary>
internal static class EscalationMode
{
    private sealed class Sprout
    {
        public int Round;
    }

    public static int Run(int walks, string variant)
    {
        bool lie = variant == "lie", givenCounts = variant != "public";
        var kept = new List<object>();
        var ballast = new Queue<byte[][]>();
        GcCounts since = InstanceFinder.Find([typeof(Sprout)], false).Moment;
        int stood = 0, escalated = 0, missed = 0, refused = 0;
        for (int round = 0; round < walks; round++)
        {
            var fresh = new List<Sprout>();
            for (int i = 0; i < 50; i++) fresh.Add(new Sprout { Round = round });
            kept.AddRange(fresh);
            // ~1 MB that survives a few walks: the walks' own GCs promote it to gen1, which fills up.
            ballast.Enqueue([.. Enumerable.Range(0, 128).Select(_ => new byte[8000])]);
            if (ballast.Count > 8) ballast.Dequeue();

            if (lie)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                since = since with { Gen0 = GC.CollectionCount(0) };
            }
            (FoundInstances? young, GcCounts next) = TryYoung(givenCounts ? since : null);
            if (young is null)
            {
                refused++;
                since = InstanceFinder.Find([typeof(Sprout)], false).Moment; // as the tracker does: the whole heap
                continue;
            }
            stood++;
            if (young.Moment.Gen1 != since.Gen1) escalated++;
            var found = new HashSet<object>(young.Instances, ReferenceEqualityComparer.Instance);
            missed += fresh.Count(s => !found.Contains(s));
            since = next;
        }
        Console.WriteLine($"escalation|{walks}|{stood}|{escalated}|{missed}|{refused}");
        GC.KeepAlive(kept);
        GC.KeepAlive(ballast);
        return 0;
    }

    // Its own method: the result must not stay alive in a local of the loop through the next walk's GC.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (FoundInstances?, GcCounts) TryYoung(GcCounts? since)
    {
        try
        {
            FoundInstances found = InstanceFinder.Find([typeof(Sprout)], false, HeapWalkOptions.Young with { Since = since });
            return (found, found.Moment);
        }
        catch (HeapWalkException)
        {
            return (null, default);
        }
    }
}
