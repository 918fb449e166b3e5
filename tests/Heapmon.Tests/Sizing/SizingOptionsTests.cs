using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>What each option changes, on small graphs whose sizes follow from ObjectSize.Shallow.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class SizingOptionsTests
{
    private sealed class Holder
    {
        public object? A;
        public object? B;
    }

    private sealed class Subscriber
    {
        public byte[] State = new byte[500];

        public void Handle() => State[0]++;
    }

    [Fact]
    public void StopAtTypesSkipsInstancesOfTheTypeAndItsSubclasses()
    {
        var holder = new Holder { A = new ArgumentException("x"), B = new byte[10] };
        var options = SizingOptions.Default with { StopAtTypes = [typeof(Exception)] };

        Assert.Equal(ObjectSize.Shallow(holder) + ObjectSize.Shallow(holder.B), ObjectSize.Deep(holder, options));
    }

    [Fact]
    public void StopAtAnOpenGenericStopsEveryInstantiation()
    {
        var holder = new Holder { A = new List<int> { 1 }, B = new List<string>() };
        var options = SizingOptions.Default with { StopAtTypes = [typeof(List<>)] };

        Assert.Equal(ObjectSize.Shallow(holder), ObjectSize.Deep(holder, options));
    }

    [Fact]
    public void StopAtAnOpenGenericInterfaceStopsEveryImplementer()
    {
        var holder = new Holder { A = new List<int> { 1 }, B = new HashSet<string>() };
        var options = SizingOptions.Default with { StopAtTypes = [typeof(ICollection<>)] };

        Assert.Equal(ObjectSize.Shallow(holder), ObjectSize.Deep(holder, options));
    }

    [Fact]
    public void StopWhenSkipsTheObjectsItSelects()
    {
        var keep = new byte[100];
        var holder = new Holder { A = keep, B = new byte[200] };
        var options = SizingOptions.Default with { StopWhen = o => o is byte[] { Length: 200 } };

        Assert.Equal(ObjectSize.Shallow(holder) + ObjectSize.Shallow(keep), ObjectSize.Deep(holder, options));
    }

    [Fact]
    public void ByDefaultTypesAndAssembliesAreNotCountedButReachableCountsThem()
    {
        var holder = new Holder { A = typeof(Holder), B = typeof(Holder).Assembly };

        Assert.Equal(ObjectSize.Shallow(holder), ObjectSize.Deep(holder));
        Assert.True(ObjectSize.Deep(holder, SizingOptions.Reachable) > ObjectSize.Shallow(holder) + ObjectSize.Shallow(holder.A));
    }

    [Fact]
    public void FrozenStringLiteralsCountOnlyWhenAsked()
    {
        var holder = new Holder { A = "a string literal lives in a frozen segment" };

        Assert.Equal(ObjectSize.Shallow(holder), ObjectSize.Deep(holder));
        Assert.Equal(ObjectSize.Shallow(holder) + ObjectSize.Shallow(holder.A),
            ObjectSize.Deep(holder, SizingOptions.Default with { CountFrozen = true }));
    }

    [Fact]
    public void InternedStringsCountUnlessTurnedOff()
    {
        string interned = string.Intern(new string('z', 33) + Environment.ProcessId);
        var holder = new Holder { A = interned, B = new string('n', 33) };
        long both = ObjectSize.Shallow(holder) + ObjectSize.Shallow(interned) + ObjectSize.Shallow(holder.B);

        Assert.Equal(both, ObjectSize.Deep(holder));
        Assert.Equal(both - ObjectSize.Shallow(interned), ObjectSize.Deep(holder, SizingOptions.Default with { CountInternedStrings = false }));
    }

    [Fact]
    public void DelegateTargetsDecideWhetherASubscriberIsCounted()
    {
        var subscriber = new Subscriber();
        Action handler = subscriber.Handle;
        long alone = ObjectSize.Shallow(handler);
        long withTarget = alone + ObjectSize.Deep(subscriber);

        Assert.Equal(alone, ObjectSize.Deep(handler));
        Assert.Equal(alone, ObjectSize.Deep(handler, SizingOptions.Default with { DelegateTargets = DelegateTargets.None }));
        Assert.Equal(withTarget, ObjectSize.Deep(handler, SizingOptions.Default with { DelegateTargets = DelegateTargets.All }));
    }

    [Fact]
    public void ClosuresAreFollowedByDefaultButNotWithDelegateTargetsNone()
    {
        byte[] captured = new byte[700];
        Func<int> closure = () => captured.Length;

        Assert.True(ObjectSize.Deep(closure) >= ObjectSize.Shallow(closure) + ObjectSize.Shallow(captured));
        Assert.Equal(ObjectSize.Shallow(closure), ObjectSize.Deep(closure, SizingOptions.Default with { DelegateTargets = DelegateTargets.None }));
    }

    [Fact]
    public void BadOptionsAreRefusedUpFront()
    {
        var nullType = SizingOptions.Default with { StopAtTypes = [null!] };
        var badEnum = SizingOptions.Default with { DelegateTargets = (DelegateTargets)7 };

        Assert.Contains("StopAtTypes contains null", Assert.Throws<ArgumentException>(() => new Sizer(nullType)).Message);
        Assert.Contains("not a DelegateTargets value", Assert.Throws<ArgumentException>(() => ObjectSize.Deep(new object(), badEnum)).Message);
    }
}
