using Heapmon.Heap;

namespace Heapmon.Tracking;

/// <summary>Class tracking's discovery through the Heap layer: <see cref="InstanceFinder"/> and <see cref="HeapCensus"/>.</summary>
/// <param name="limits">Attempts and no-GC budget of every walk (<see cref="ClassTrackerOptions.Discovery"/>); the scope is chosen per walk.</param>
internal sealed class HeapInstanceSource(HeapWalkOptions limits) : IInstanceSource
{
    public Discovered? Find(IReadOnlyCollection<Type> types, GcCounts? youngSince)
    {
        try
        {
            HeapWalkOptions options = youngSince is null ? limits : limits with { Scope = HeapScope.Young, Since = youngSince };
            FoundInstances found = InstanceFinder.Find(types, includeSubclasses: true, options);
            return new Discovered(found.Instances, found.Moment);
        }
        catch (HeapWalkException)
        {
            return null; // no consistent view: the snapshot goes on without new instances, never with wrong ones
        }
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
