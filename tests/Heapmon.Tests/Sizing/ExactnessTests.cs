using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>Shallow and deep sizes against ClrMD over this very process, for every shape of the corpus.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class ExactnessTests
{
    [Fact]
    public void TheCorpusHasAtLeastFortyDistinctShapes()
    {
        Assert.True(ShapeCorpus.All.Count >= 40, $"only {ShapeCorpus.All.Count} shapes");
        Assert.Equal(ShapeCorpus.All.Count, ShapeCorpus.All.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void ShallowEqualsClrMdAlignedSizeForEveryObjectOfEveryShape()
    {
        object[] roots = ShapeCorpus.All.Select(s => s.Create()).ToArray();
        List<string> wrong = NoGCRegion.Run(() =>
        {
            using var oracle = new ClrMdOracle();
            var mismatches = new List<string>();
            int objects = 0;
            for (int i = 0; i < roots.Length; i++)
            {
                ulong root = (ulong)ReachabilityOracle.AddressOf(roots[i]);
                foreach ((ulong address, ulong expected) in ReachabilityOracle.Reachable(oracle, root, EdgeRules.Reachable))
                {
                    objects++;
                    long actual = ObjectSize.Shallow(ReachabilityOracle.ObjectAt(address));
                    if (actual != (long)expected)
                        mismatches.Add($"{ShapeCorpus.All[i].Name}: {oracle.Heap.GetObject(address).Type?.Name} is {actual}, ClrMD says {expected}");
                }
            }
            if (objects < 200) mismatches.Add($"only {objects} objects were compared");
            return mismatches;
        });
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        GC.KeepAlive(roots);
    }

    [Fact]
    public void DeepEqualsTheSumOverWhatClrMdFindsReachableWithTheDefaultRules() =>
        AssertDeepMatches(SizingOptions.Default, EdgeRules.Default);

    [Fact]
    public void DeepEqualsTheSumOverEverythingClrMdFindsReachable() =>
        AssertDeepMatches(SizingOptions.Reachable, EdgeRules.Reachable);

    [Fact]
    public void DelegateTargetsNoneStopsEvenAtClosures() =>
        AssertDeepMatches(SizingOptions.Default with { DelegateTargets = DelegateTargets.None }, EdgeRules.Default with { FollowClosureTargets = false });

    private static void AssertDeepMatches(SizingOptions options, EdgeRules rules)
    {
        object[] roots = ShapeCorpus.All.Select(s => s.Create()).ToArray();
        List<string> wrong = NoGCRegion.Run(() =>
        {
            using var oracle = new ClrMdOracle();
            var mismatches = new List<string>();
            for (int i = 0; i < roots.Length; i++)
            {
                long deep = ObjectSize.Deep(roots[i], options);
                long measured = ObjectSize.Measure(roots[i], 3, options).Size;
                var reachable = ReachabilityOracle.Reachable(oracle, (ulong)ReachabilityOracle.AddressOf(roots[i]), rules);
                long expected = (long)reachable.Values.Aggregate(0UL, (a, b) => a + b);
                if (deep != expected || measured != expected)
                    mismatches.Add($"{ShapeCorpus.All[i].Name}: Deep {deep}, Measure {measured}, ClrMD {expected} over {reachable.Count} objects");
            }
            return mismatches;
        });
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        GC.KeepAlive(roots);
    }
}
