namespace Heapmon.Tracking;

/// <summary>The Sizing and Heap layers behind a tracker made with the public constructor.</summary>
internal static class TrackerBackends
{
    public static ISnapshotMeasurer Measurer() => new SizerMeasurer(Heapmon.Sizing.SizingOptions.Default);

    public static IInstanceSource InstanceSource() => new NoInstanceSource();

    private sealed class NoInstanceSource : IInstanceSource
    {
        public IReadOnlyList<object>? Find(IReadOnlyCollection<Type> types, bool youngOnly)
            => throw new PlatformNotSupportedException("Class tracking needs the heap walker (Heapmon.Heap), which is not available in this build.");

        public long? HeapTotal() => null;
    }
}
