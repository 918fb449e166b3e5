namespace Heapmon.Tracking;

/// <summary>The Sizing and Heap layers behind a tracker made with the public constructor.</summary>
internal static class TrackerBackends
{
    public static ISnapshotMeasurer Measurer() => new SizerMeasurer(Heapmon.Sizing.SizingOptions.Default);

    public static IInstanceSource InstanceSource() => new HeapInstanceSource();

    /// <summary>Instantiation traces for <c>TrackClass(..., trace: true)</c>; set by the allocation tracer when it is present.</summary>
    public static IInstantiationTraces? Traces { get; set; }

}
