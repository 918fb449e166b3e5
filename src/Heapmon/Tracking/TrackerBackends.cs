using Heapmon.Heap;
using Heapmon.Sizing;

namespace Heapmon.Tracking;

/// <summary>The Sizing, Heap and Sampling layers behind a tracker made with a public constructor.</summary>
internal static class TrackerBackends
{
    public static ISnapshotMeasurer Measurer(SizingOptions? options = null) => new SizerMeasurer(options ?? SizingOptions.Default);

    public static IInstanceSource InstanceSource(HeapWalkOptions? options = null) => new HeapInstanceSource(options ?? HeapWalkOptions.Default);

    /// <summary>Instantiation traces for <c>TrackClass(..., trace: true)</c>, from the allocation tracer; one per tracker.</summary>
    public static IInstantiationTraces Traces() => new TrackerTraces();
}
