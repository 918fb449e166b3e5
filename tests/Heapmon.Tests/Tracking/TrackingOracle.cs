using Heapmon.Model;
using Heapmon.Tracking;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Tracking;

/// <summary>ClrMD answers for tracker tests: find an object by a marker field, and deep sizes over ClrMD's own edges.</summary>
internal static class TrackingOracle
{
    /// <summary>The one live object of <paramref name="typeName"/> whose string field <paramref name="field"/> is <paramref name="value"/>.</summary>
    public static ClrObject FindByStringField(ClrMdOracle oracle, string typeName, string field, string value)
    {
        ClrObject[] matches = oracle.Heap.EnumerateObjects(carefully: true)
            .Where(o => o.Type?.Name == typeName && o.ReadStringField(field) == value).ToArray();
        return Assert.Single(matches);
    }

    /// <summary>The first object <paramref name="root"/> refers to through <paramref name="field"/>.</summary>
    public static ClrObject Field(ClrObject root, string field) => root.ReadObjectField(field);

    /// <summary>
    /// Bytes reachable from <paramref name="root"/> through ClrMD's references, each object once, not
    /// entering objects for which <paramref name="stop"/> says so nor frozen objects (string literals,
    /// which the sizer does not count by default).
    /// </summary>
    public static long Deep(ClrMdOracle oracle, ClrObject root, Func<ClrObject, bool> stop)
    {
        var seen = new HashSet<ulong> { root.Address };
        var stack = new Stack<ClrObject>([root]);
        long total = 0;
        while (stack.Count > 0)
        {
            ClrObject o = stack.Pop();
            total += (long)oracle.AlignedSize(o.Address);
            foreach (ClrObject child in o.EnumerateReferences(carefully: true, considerDependantHandles: false))
            {
                if (!seen.Add(child.Address) || stop(child)) continue;
                if (oracle.Heap.GetSegmentByAddress(child.Address)?.Kind == GCSegmentKind.Frozen) continue;
                stack.Push(child);
            }
        }
        return total;
    }

    /// <summary>The sample of the object named <paramref name="name"/> at snapshot <paramref name="index"/>.</summary>
    public static SizeSample SampleOf(TrackerData data, string name, int index)
        => Assert.Single(Assert.Single(data.Objects, o => o.Name == name).Samples, s => s.SnapshotIndex == index);
}

/// <summary>
/// Instance discovery for tests of the tracker's bookkeeping: "the heap" is whatever the test
/// exposes, and a find returns the objects there that match the tracked types.
/// </summary>
internal sealed class ListInstanceSource(Func<IEnumerable<object>> heap) : IInstanceSource
{
    public int Finds { get; private set; }

    public Discovered? Find(IReadOnlyCollection<Type> types, Heapmon.Heap.GcCounts? youngSince)
    {
        Finds++;
        return new Discovered(heap().Where(o => types.Any(t => TrackedClasses.MatchDepth(t, o.GetType()) >= 0)).ToList(),
            Heapmon.Heap.GcCounts.Now());
    }

    public long? HeapTotal() => 1 << 30;
}
