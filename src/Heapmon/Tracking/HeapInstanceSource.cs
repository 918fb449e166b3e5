using Heapmon.Heap;

namespace Heapmon.Tracking;

/// <summary>Class tracking's discovery through the Heap layer: <see cref="InstanceFinder"/> and <see cref="HeapCensus"/>.</summary>
internal sealed class HeapInstanceSource : IInstanceSource
{
    public IReadOnlyList<object>? Find(IReadOnlyCollection<Type> types, bool youngOnly)
    {
        try
        {
            return InstanceFinder.Find(types, includeSubclasses: true, youngOnly ? HeapWalkOptions.Young : HeapWalkOptions.Default).Instances;
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
