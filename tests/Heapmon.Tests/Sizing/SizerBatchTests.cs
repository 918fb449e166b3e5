using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>
/// <c>Sizer.DeepEach</c> (Pympler: Asizer.asizesof): the objects are a stop-set for one another and shared data goes to
/// the first that reaches it; checked against ClrMD and against the same sizer's one-call-per-object route.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class SizerBatchTests
{
    private sealed class Link
    {
        public object? A;
        public object? B;
        public string? Own;
    }

    /// <summary>The corpus plus objects that share data and reach one another, in both directions of the order.</summary>
    private static object[] EntangledRoots()
    {
        object[] corpus = ShapeCorpus.All.Select(s => s.Create()).ToArray();
        var shared = new List<int[]> { new int[50], new int[7] };
        var early = new Link { A = corpus[3], B = shared, Own = new string('e', 30) };
        var late = new Link { A = early, B = shared, Own = new string('l', 10) };
        var cyclic = new Link { A = corpus[^1], Own = new string('c', 5) };
        cyclic.B = cyclic;
        early.B = new Link { A = late, B = shared }; // the first root reaches a later one through a non-root
        return [early, .. corpus, late, cyclic];
    }

    [Fact]
    public void EachSizeEqualsWhatClrMdFindsReachableStoppingAtTheOtherObjectsLessWhatEarlierOnesReached()
    {
        object[] roots = EntangledRoots();
        var sizes = new long[roots.Length];
        new Sizer().DeepEach(roots, sizes);
        long[] all = new long[roots.Length], flats = new long[roots.Length];
        new Sizer().SizeAll(roots, all, flats);

        List<string> wrong = NoGCRegion.Run(() =>
        {
            using var oracle = new ClrMdOracle();
            var addresses = roots.Select(r => (ulong)ReachabilityOracle.AddressOf(r)).ToArray();
            var claimed = new HashSet<ulong>();
            var mismatches = new List<string>();
            for (int i = 0; i < roots.Length; i++)
            {
                var stops = addresses.Where((_, j) => j != i).ToHashSet();
                var reachable = ReachabilityOracle.Reachable(oracle, addresses[i], EdgeRules.Default, stops);
                long expected = reachable.Where(kv => claimed.Add(kv.Key)).Sum(kv => (long)kv.Value);
                if (sizes[i] != expected || all[i] != expected)
                    mismatches.Add($"root {i} ({roots[i].GetType().Name}): DeepEach {sizes[i]}, SizeAll {all[i]}, ClrMD {expected}");
                long shallow = ((long)oracle.Heap.GetObject(addresses[i]).Size + 7) & ~7L; // ClrMD gives the unaligned size
                if (flats[i] != shallow)
                    mismatches.Add($"root {i} ({roots[i].GetType().Name}): SizeAll's flat size {flats[i]}, ClrMD {shallow}");
            }
            return mismatches;
        });
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Contains(sizes, s => s > 0);
        GC.KeepAlive(roots);
    }

    [Fact]
    public void DeepEachEqualsExcludeOnEveryObjectThenDeepOnEach()
    {
        object[] roots = EntangledRoots();
        object excludedBefore = roots[5], countedBefore = roots[7];
        // Repeats, a stop type and a frozen object as roots, and objects the sizer has seen before the batch.
        roots = [.. roots, roots[2], typeof(string), Thread.CurrentThread, roots[0], "a literal"];

        Sizer sequential = Prepared(), batch = Prepared();
        foreach (object obj in roots) sequential.Exclude(obj);
        long[] expected = roots.Select(sequential.Deep).ToArray();
        var actual = new long[roots.Length];
        batch.DeepEach(roots, actual);

        Assert.Equal(expected, actual);
        Assert.Equal(sequential.Total, batch.Total);
        Assert.Equal(0, actual[^5]); // the repeat of an object sized earlier in the batch
        Assert.True(actual[^4] > 0 && actual[^3] > 0, "a stop-type root is still counted");
        // Afterwards both sizers agree on what they have seen.
        var probe = new Link { A = roots[1], B = excludedBefore, Own = new string('p', 3) };
        Assert.Equal(sequential.Deep(probe), batch.Deep(probe));

        Sizer Prepared()
        {
            var sizer = new Sizer();
            sizer.Exclude(excludedBefore);
            sizer.Deep(countedBefore);
            return sizer;
        }
    }

    [Fact]
    public void GarbageCollectionsDuringTheBatchDoNotChangeTheSizes()
    {
        object[] roots = EntangledRoots();
        var expected = new long[roots.Length];
        new Sizer().DeepEach(roots, expected);
        int collections = 0;
        // Compacting GCs in the middle of the batch, again and again: interrupted objects are walked again.
        var options = SizingOptions.Default with
        {
            StopWhen = o =>
            {
                if (o is string { Length: > 8 } && collections < 30)
                {
                    collections++;
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                }
                return false;
            },
        };
        var actual = new long[roots.Length];
        new Sizer(options).DeepEach(roots, actual);

        Assert.Equal(expected, actual);
        Assert.True(collections > 3, $"only {collections} collections were forced");
    }

    /// <summary>Many roots (several of SizeAll's batches) sharing data with their neighbours.</summary>
    private static object[] ManyRoots(int count)
    {
        var roots = new object[count];
        string shared = new('s', 20);
        for (int i = 0; i < count; i++)
            roots[i] = new Link { A = i > 0 ? roots[i - 1] : null, B = i % 3 == 0 ? new int[i % 17] : shared, Own = new string('o', 9 + i % 5) };
        return roots;
    }

    [Fact]
    public void SizeAllEqualsDeepEachOnAResetSizerWithShallowSizesAsFlats()
    {
        object[] entangled = EntangledRoots();
        // Distinct objects take the batched road; a repeated one sends the whole call down DeepEach's.
        foreach (object[] roots in new[] { ManyRoots(1000), [.. ManyRoots(300), .. entangled], [.. entangled, entangled[4]] })
        {
            var expected = new long[roots.Length];
            var sizer = new Sizer();
            sizer.Deep(new Link()); // SizeAll starts from a reset sizer whatever came before
            sizer.Reset();
            sizer.DeepEach(roots, expected);
            long[] sizes = new long[roots.Length], flats = new long[roots.Length];
            sizer.Deep(roots[0]);
            sizer.SizeAll(roots, sizes, flats);

            Assert.Equal(expected, sizes);
            Assert.Equal(roots.Select(ObjectSize.Shallow), flats);
            Assert.Equal(0, sizer.Total); // and leaves it reset: no strong reference kept
        }
    }

    [Fact]
    public void SizeAllGivesTheSameSizesWhenGarbageCollectionsInterruptItsBatches()
    {
        object[] roots = ManyRoots(2000);
        long[] expected = new long[roots.Length], flats = new long[roots.Length];
        new Sizer().SizeAll(roots, expected, flats);
        int collections = 0;
        // Compacting GCs again and again: batches are walked again, and one interrupted every time takes the reference set.
        var options = SizingOptions.Default with
        {
            StopWhen = o =>
            {
                if (o is string { Length: 12 } && collections < 40)
                {
                    collections++;
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                }
                return false;
            },
        };
        long[] actual = new long[roots.Length], actualFlats = new long[roots.Length];
        new Sizer(options).SizeAll(roots, actual, actualFlats);

        Assert.Equal(expected, actual);
        Assert.Equal(flats, actualFlats);
        Assert.True(collections >= 40, $"only {collections} collections were forced");
    }

    [Fact]
    public void AThrowingPredicateLeavesTheObjectsNotYetSizedExcluded()
    {
        var a = new Link { Own = new string('a', 4) };
        var b = new Link { A = a, Own = new string('b', 4) };
        var c = new Link { A = b, Own = new string('c', 4) };
        bool armed = true;
        var sizer = new Sizer(SizingOptions.Default with
        {
            StopWhen = o => armed && ReferenceEquals(o, b.Own) ? throw new InvalidOperationException("boom") : false,
        });

        Assert.Throws<InvalidOperationException>(() => sizer.DeepEach([a, b, c], new long[3]));
        armed = false;

        var reference = new Sizer();
        foreach (object obj in new object[] { a, b, c }) reference.Exclude(obj);
        reference.Deep(a);
        Assert.Equal(reference.Deep(c), sizer.Deep(c)); // c is still excluded from others and counted once itself
        Assert.Equal(reference.Deep(b), sizer.Deep(b));
    }

    [Fact]
    public void MismatchedLengthsAndNullObjectsAreRefused()
    {
        var sizer = new Sizer();
        Assert.Throws<ArgumentException>("sizes", () => sizer.DeepEach([new object()], new long[2]));
        Assert.Throws<ArgumentNullException>("objects", () => sizer.DeepEach([new object(), null!], new long[2]));
        Assert.Throws<ArgumentException>("sizes", () => sizer.SizeAll([new object()], new long[1], new long[2]));
        Assert.Throws<ArgumentNullException>("objects", () => sizer.SizeAll([new object(), null!], new long[2], new long[2]));
    }
}
