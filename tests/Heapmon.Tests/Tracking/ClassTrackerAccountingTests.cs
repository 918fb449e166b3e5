using Heapmon.Model;
using Heapmon.Samples.Factory;
using Heapmon.Tracking;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Tracking;

/// <summary>Pympler's example and its "Shared Data" rules, numerically, with ClrMD as the oracle.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class ClassTrackerAccountingTests
{
    private const string EmployeeType = "Heapmon.Samples.Factory.Employee";
    private const string FactoryType = "Heapmon.Samples.Factory.Factory";

    [Fact]
    public void SeedExampleGivesThousandEmployeesOfClrMdSizeAndAFactoryGrownByItsList()
    {
        string marker = "Assembly Line " + Guid.NewGuid();
        Factory factory = FactoryExample.CreateFactory(marker);
        using var tracker = new ClassTracker(); // the real Sizing and Heap layers: employees are found by the heap walk
        tracker.TrackObject(factory, name: "factory");
        tracker.TrackClass<Employee>();
        tracker.CreateSnapshot();
        (long factoryBefore, _, long itemsBefore) = OracleFactory(marker);
        FactoryExample.PopulateFactory(factory);
        Snapshot populated = tracker.CreateSnapshot(computeTotal: true);
        (long factoryAfter, long employeeSize, long itemsAfter) = OracleFactory(marker);
        Assert.InRange(populated.HeapTotal!.Value, populated.TrackedTotal, populated.Gc.CommittedBytes);
        Assert.Equal((double)populated.Classes.Single(c => c.ClassName == EmployeeType).Total / populated.HeapTotal.Value,
            populated.Classes.Single(c => c.ClassName == EmployeeType).Share);

        TrackerData data = tracker.ToData();
        ClassSummary employeesBefore = Assert.Single(data.Snapshots[0].Classes, c => c.ClassName == EmployeeType);
        Assert.Equal((0, 0L), (employeesBefore.Active, employeesBefore.Total));
        ClassSummary employees = Assert.Single(data.Snapshots[1].Classes, c => c.ClassName == EmployeeType);
        Assert.Equal(1000, employees.Active);
        Assert.Equal(1000 * employeeSize, employees.Total);
        Assert.Equal(employeeSize, employees.Average);

        ClassSummary factoryLine = Assert.Single(data.Snapshots[1].Classes, c => c.ClassName == FactoryType);
        Assert.Equal(1, factoryLine.Active);
        Assert.Equal(factoryBefore, TrackingOracle.SampleOf(data, "factory", 0).Size);
        Assert.Equal(factoryAfter, factoryLine.Total);
        Assert.Equal(itemsAfter - itemsBefore, factoryAfter - factoryBefore); // grown by the list's array, nothing else
        Assert.Equal(factoryAfter + 1000 * employeeSize, data.Snapshots[1].TrackedTotal);
        GC.KeepAlive(factory);
    }

    [Fact]
    public void SharedDataGoesToTheFirstAnnouncedObjectThatReachesIt()
    {
        string marker = Guid.NewGuid().ToString();
        var a = new Holder { Marker = marker + "a" };
        var b = new Holder { Marker = marker + "b" };
        using var tracker = new ClassTracker(TrackerBackends.Measurer(), new ListInstanceSource(() => []));
        tracker.TrackObject(a, name: "a");
        tracker.TrackObject(b, name: "b");
        b.Content = Enumerable.Range(0, 100_000).ToList();
        tracker.CreateSnapshot("#1");
        a.NotMine = b.Content;
        tracker.CreateSnapshot("#2");

        long aOwn, bOwn, list, flat;
        using (var oracle = Oracle())
        {
            ClrObject aObject = TrackingOracle.FindByStringField(oracle, typeof(Holder).FullName!, nameof(Holder.Marker), marker + "a");
            ClrObject bObject = TrackingOracle.FindByStringField(oracle, typeof(Holder).FullName!, nameof(Holder.Marker), marker + "b");
            ClrObject shared = TrackingOracle.Field(bObject, nameof(Holder.Content));
            aOwn = TrackingOracle.Deep(oracle, aObject, o => o.Address == shared.Address);
            bOwn = TrackingOracle.Deep(oracle, bObject, o => o.Address == shared.Address);
            list = TrackingOracle.Deep(oracle, shared, _ => false);
            flat = (long)oracle.AlignedSize(bObject.Address);
        }
        Assert.True(list > 400_000);
        TrackerData data = tracker.ToData();
        Assert.Equal(aOwn, TrackingOracle.SampleOf(data, "a", 0).Size);
        Assert.Equal(bOwn + list, TrackingOracle.SampleOf(data, "b", 0).Size);
        Assert.Equal(aOwn + list, TrackingOracle.SampleOf(data, "a", 1).Size); // a was announced first
        Assert.Equal(bOwn, TrackingOracle.SampleOf(data, "b", 1).Size);
        Assert.Equal(flat, TrackingOracle.SampleOf(data, "b", 1).Flat);
        GC.KeepAlive(a);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ATrackedObjectIsNeverPartOfAnotherWhateverTheOrder(bool childFirst)
    {
        string marker = Guid.NewGuid().ToString();
        var child = new Holder { Marker = marker + "child", Content = new byte[1000] };
        var parent = new Holder { Marker = marker + "parent", Content = new byte[3000], NotMine = child };
        child.NotMine = parent; // a cycle, too
        using var tracker = new ClassTracker(TrackerBackends.Measurer(), new ListInstanceSource(() => []));
        if (childFirst) tracker.TrackObject(child, name: "child");
        tracker.TrackObject(parent, name: "parent", resolutionLevel: 1);
        if (!childFirst) tracker.TrackObject(child, name: "child");
        tracker.CreateSnapshot();

        long parentOwn, childOwn;
        using (var oracle = Oracle())
        {
            ClrObject p = TrackingOracle.FindByStringField(oracle, typeof(Holder).FullName!, nameof(Holder.Marker), marker + "parent");
            ClrObject c = TrackingOracle.Field(p, nameof(Holder.NotMine));
            parentOwn = TrackingOracle.Deep(oracle, p, o => o.Address == c.Address);
            childOwn = TrackingOracle.Deep(oracle, c, o => o.Address == p.Address);
        }
        TrackerData data = tracker.ToData();
        Assert.Equal(parentOwn, TrackingOracle.SampleOf(data, "parent", 0).Size);
        Assert.Equal(childOwn, TrackingOracle.SampleOf(data, "child", 0).Size);
        ReferentNode tree = TrackingOracle.SampleOf(data, "parent", 0).Referents!;
        Assert.Equal(parentOwn, tree.Size);
        Assert.DoesNotContain(tree.Children, n => n.Name == nameof(Holder.NotMine)); // the tracked child is not its referent
        GC.KeepAlive(child);
        GC.KeepAlive(parent);
    }

    /// <summary>The factory's deep size (not entering employees), one employee's size, and its list's array size.</summary>
    private static (long Factory, long Employee, long Items) OracleFactory(string marker)
    {
        using ClrMdOracle oracle = Oracle();
        ClrObject factory = TrackingOracle.FindByStringField(oracle, FactoryType, nameof(Factory.Name), marker);
        ClrObject items = factory.ReadObjectField(nameof(Factory.Employees)).ReadObjectField("_items");
        long itemsSize = (long)oracle.AlignedSize(items.Address);
        long deep = TrackingOracle.Deep(oracle, factory, o => o.Type?.Name == EmployeeType);
        ClrObject first = items.AsArray().Length > 0 ? items.AsArray().GetObjectValue(0) : default;
        long employee = first.IsNull ? 0 : (long)oracle.AlignedSize(first.Address);
        return (deep, employee, itemsSize);
    }

    private static ClrMdOracle Oracle()
    {
        // Everything alive goes to gen2 first, so ClrMD's own allocations do not move what it reads.
        GC.Collect();
        return new ClrMdOracle();
    }

    private sealed class Holder
    {
        public string Marker = "";
        public object? Content;
        public object? NotMine;
    }
}
