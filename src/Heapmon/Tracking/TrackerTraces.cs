using Heapmon.Model;
using Heapmon.Sampling;

namespace Heapmon.Tracking;

/// <summary>
/// The ClassTracker's instantiation traces over the allocation tracer: one per tracker, holding at most
/// one <see cref="TracerLeases"/> lease while the tracker has traced classes.
/// </summary>
internal sealed class TrackerTraces : IInstantiationTraces
{
    private readonly Lock _gate = new();
    private readonly Dictionary<nint, Type?> _types = [];
    private bool _held;

    public void Acquire()
    {
        lock (_gate)
        {
            if (_held) return;
            TracerLeases.Acquire();
            _held = true;
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            if (!_held) return;
            _held = false;
            TracerLeases.Release();
        }
    }

    public SampleMark Mark() => AllocationSampler.Store.Mark();

    public void Flush() => AllocationSampler.Flush();

    public IReadOnlyList<InstantiationSite> Sites(SampleMark since, Func<Type, bool> belongs)
    {
        lock (_gate)
        {
            return InstantiationSites.Build(AllocationSampler.Store, handle =>
            {
                if (!_types.TryGetValue(handle, out Type? type)) _types[handle] = type = InstantiationSites.TypeOf(handle);
                return type is not null && belongs(type);
            }, since);
        }
    }
}
