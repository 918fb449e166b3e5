namespace Heapmon.Tracking;

/// <summary>The Sizing, Heap and Sampling layers behind a tracker made with the public constructor.</summary>
internal static class TrackerBackends
{
    public static ISnapshotMeasurer Measurer() => new SizerMeasurer(Heapmon.Sizing.SizingOptions.Default);

    public static IInstanceSource InstanceSource() => new HeapInstanceSource();

    /// <summary>Instantiation traces for <c>TrackClass(..., trace: true)</c>, from the allocation tracer; one per tracker.</summary>
    public static IInstantiationTraces Traces() => new TrackerTraces();
}
