using System.Runtime.CompilerServices;
using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>The seen-set across calls, exclusions and reset (Pympler: Asizer); expected values come from ObjectSize, itself checked against ClrMD.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class SizerTests
{
    private sealed class Holder
    {
        public byte[]? Shared;
        public string? Own;
        public Holder? Inner;
    }

    private static (Holder A, Holder B, byte[] Shared) TwoSharing()
    {
        byte[] shared = new byte[1000];
        return (new Holder { Shared = shared, Own = new string('a', 10) }, new Holder { Shared = shared, Own = new string('b', 20) }, shared);
    }

    [Fact]
    public void SharedDataIsCountedOnceForTheFirstObjectThatReachesIt()
    {
        (Holder a, Holder b, byte[] shared) = TwoSharing();
        var sizer = new Sizer();

        long first = sizer.Deep(a);
        long second = sizer.Deep(b);

        Assert.Equal(ObjectSize.Deep(a), first);
        Assert.Equal(ObjectSize.Deep(b) - ObjectSize.Shallow(shared), second);
        Assert.Equal(first + second, sizer.Total);
        Assert.Equal(0, sizer.Deep(a)); // everything in it was counted already
    }

    [Fact]
    public void TheSeenSetSurvivesGarbageCollectionsBetweenCalls()
    {
        (Holder a, Holder b, byte[] shared) = TwoSharing();
        var sizer = new Sizer();
        sizer.Deep(a);
        var churn = new List<byte[]>();
        for (int i = 0; i < 2000; i++) churn.Add(new byte[1000]); // move things around
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        Assert.Equal(ObjectSize.Deep(b) - ObjectSize.Shallow(shared), sizer.Deep(b));
        GC.KeepAlive(churn);
    }

    [Fact]
    public void GarbageCollectionsDuringAWalkDoNotChangeTheResult()
    {
        Holder[] chain = Enumerable.Range(0, 5000).Select(i => new Holder { Own = new string('x', i % 50) }).ToArray();
        for (int i = 1; i < chain.Length; i++) chain[i].Inner = chain[i - 1];
        long expected = ObjectSize.Deep(chain);
        int collections = 0;
        // The predicate forces a compacting GC in the middle of every walk for a while, so the fast
        // address-keyed walk is voided again and again and the sizer must fall back to its safe set.
        var options = SizingOptions.Default with
        {
            StopWhen = o =>
            {
                if (o is Holder { Own.Length: 25 } && collections < 20)
                {
                    collections++;
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                }
                return false;
            },
        };

        Assert.Equal(expected, new Sizer(options).Deep(chain));
        Assert.True(collections > 3, $"only {collections} collections were forced");
    }

    [Fact]
    public void AnExcludedObjectIsNeitherCountedNorTraversedButIsSizedWhenAskedDirectly()
    {
        var inner = new Holder { Own = new string('i', 100), Shared = new byte[300] };
        var outer = new Holder { Own = new string('o', 5), Inner = inner };
        var sizer = new Sizer();
        sizer.Exclude(inner);

        Assert.Equal(ObjectSize.Deep(outer) - ObjectSize.Deep(inner), sizer.Deep(outer));
        Assert.Equal(ObjectSize.Deep(inner), sizer.Deep(inner));
        Assert.Equal(0, sizer.Deep(inner)); // counted once, like any root
    }

    [Fact]
    public void MeasureRespectsTheSeenSetAndExclusions()
    {
        (Holder a, Holder b, byte[] shared) = TwoSharing();
        var sizer = new Sizer();
        sizer.Exclude(b.Own!);
        sizer.Deep(a);

        SizedObject tree = sizer.Measure(b, 1);

        Assert.Equal(ObjectSize.Shallow(b), tree.Size); // the array was counted for a, the string is excluded
        Assert.Empty(tree.Referents);
    }

    [Fact]
    public void ResetForgetsSeenAndExcludedObjects()
    {
        (Holder a, Holder b, _) = TwoSharing();
        var sizer = new Sizer();
        sizer.Exclude(a.Own!);
        sizer.Deep(a);
        sizer.Deep(b);

        sizer.Reset();

        Assert.Equal(0, sizer.Total);
        Assert.Equal(ObjectSize.Deep(a), sizer.Deep(a));
        Assert.Equal(ObjectSize.Deep(a), sizer.Total);
    }

    [Fact]
    public void AnObjectRejectedAsAReferentIsStillCountedOnceAsARoot()
    {
        var error = new InvalidOperationException(new string('e', 40));
        var holder = new Holder { Inner = new Holder() };
        var options = SizingOptions.Default with { StopAtTypes = [typeof(Exception)] };
        var sizer = new Sizer(options);
        var withError = new object[] { holder, error };

        long first = sizer.Deep(withError); // reaches the exception and rejects it
        long root = sizer.Deep(error);

        Assert.Equal(ObjectSize.Deep(withError, options), first);
        Assert.Equal(ObjectSize.Deep(error, options), root);
        Assert.Equal(0, sizer.Deep(error));
    }

    [Fact]
    public void AThrowingPredicateLeavesTheSizerAsBeforeTheCall()
    {
        (Holder a, Holder b, byte[] shared) = TwoSharing();
        bool fail = true;
        var sizer = new Sizer(SizingOptions.Default with { StopWhen = o => o is byte[] && fail ? throw new InvalidOperationException("boom") : false });

        Assert.Equal("boom", Assert.Throws<InvalidOperationException>(() => sizer.Deep(a)).Message);
        fail = false;

        Assert.Equal(ObjectSize.Deep(a), sizer.Deep(a));
        Assert.Equal(ObjectSize.Deep(b) - ObjectSize.Shallow(shared), sizer.Deep(b));
    }

    [Fact]
    public void SizingKeepsNothingAlive()
    {
        WeakReference[] sized = SizeAndForget();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.All(sized, w => Assert.False(w.IsAlive));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] SizeAndForget()
    {
        var deep = new Holder { Own = new string('d', 9), Inner = new Holder() };
        var measured = new Holder { Shared = new byte[9] };
        var rejected = new InvalidOperationException(); // a root the options reject as a referent
        ObjectSize.Deep(deep);
        ObjectSize.Measure(measured, 2);
        ObjectSize.Deep(rejected, SizingOptions.Default with { StopAtTypes = [typeof(Exception)] });
        return [new(deep), new(deep.Inner), new(measured), new(measured.Shared), new(rejected)];
    }

    [Fact]
    public void ANullObjectIsRefusedWithTheParameterName()
    {
        var sizer = new Sizer();
        Assert.Equal("obj", Assert.Throws<ArgumentNullException>(() => sizer.Deep(null!)).ParamName);
        Assert.Equal("obj", Assert.Throws<ArgumentNullException>(() => sizer.Exclude(null!)).ParamName);
    }
}
