using Heapmon.Sampling;
using Heapmon.Model;

namespace Heapmon.Tracking;

/// <summary>
/// Where class tracking gets instantiation traces (<c>TrackClass(..., trace: true)</c>): the
/// allocation tracer attributes sampled allocations to their stacks. The default is
/// <see cref="TrackerBackends.Traces"/>; a tracker made without one records no sites.
/// </summary>
internal interface IInstantiationTraces
{
    /// <summary>Makes sure allocations are sampled while the tracker has traced classes (starting the tracer if nobody runs it). Idempotent.</summary>
    void Acquire();

    /// <summary>Lets go of the tracer: stops it if <see cref="Acquire"/> started it and nobody else needs it. Idempotent.</summary>
    void Release();

    /// <summary>Where the samples taken from now on begin: a traced class counts only allocations after it was tracked.</summary>
    SampleMark Mark();

    /// <summary>Waits until allocations made so far have been sampled; called outside the tracker's locks.</summary>
    void Flush();

    /// <summary>Sites of the allocations sampled since <paramref name="since"/> whose runtime type <paramref name="belongs"/> to a class, most instances first.</summary>
    IReadOnlyList<InstantiationSite> Sites(SampleMark since, Func<Type, bool> belongs);
}
