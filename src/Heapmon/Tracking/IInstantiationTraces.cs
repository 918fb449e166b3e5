namespace Heapmon.Tracking;

/// <summary>
/// Where class tracking gets instantiation traces (<c>TrackClass(..., trace: true)</c>): the
/// allocation tracer (Allocations layer) attributes sampled allocations of a class to their stacks.
/// Plugged in through <see cref="TrackerBackends.Traces"/>; without it, traced classes record no sites.
/// </summary>
internal interface IInstantiationTraces
{
    /// <summary>Starts attributing sampled allocations of <paramref name="type"/> (and its subclasses).</summary>
    void Start(Type type);

    /// <summary>Stops attributing allocations of <paramref name="type"/>.</summary>
    void Stop(Type type);

    /// <summary>Instantiation sites of <paramref name="type"/> so far, with estimated counts.</summary>
    IReadOnlyList<InstantiationSite> SitesOf(Type type);

    /// <summary>The creation stack of <paramref name="obj"/> when its allocation was itself sampled, else null.</summary>
    IReadOnlyList<string>? TraceOf(object obj);
}
