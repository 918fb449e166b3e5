using Heapmon.Heap;

namespace Heapmon.Tracking;

/// <summary>Class tracking's discovery through the Heap layer: <see cref="InstanceFinder"/> and <see cref="HeapCensus"/>.</summary>
/// <param name="limits">Attempts and no-GC budget of every walk (<see cref="ClassTrackerOptions.Discovery"/>); the scope is chosen per walk.</param>
internal sealed class HeapInstanceSource(HeapWalkOptions limits) : IInstanceSource
{
    public Discovered? Find(IReadOnlyCollection<Type> types, GcCounts? youngSince)
    {
        HeapWalkOptions options = youngSince is null ? limits : limits with { Scope = HeapScope.Young, Since = youngSince };
        FoundInstances found = InstanceFinder.Find(types, includeSubclasses: true, options);
        return new Discovered(found.Instances, found.Moment);
    }

    public long? HeapTotal()
    {
        try
        {
            return HeapCensus.Take().TotalBytes;
        }
        catch (HeapWalkException)
        {
            return null;
        }
    }
}
