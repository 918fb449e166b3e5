using System.Diagnostics.Metrics;
using System.Reflection;

namespace Heapmon.Metrics;

/// <summary>
/// The <c>Heapmon</c> meter (System.Diagnostics.Metrics): per tracked class the live instances and their
/// bytes, snapshot durations and CPU time, and sampled allocation rates by type while the allocation
/// tracer (tracemalloc) runs. OpenTelemetry collects it with <c>.AddMeter("Heapmon")</c>, and
/// <c>dotnet-counters monitor --counters Heapmon</c> shows it.
/// </summary>
/// <remarks>
/// Names and units follow OpenTelemetry's semantic conventions. The one tag is <see cref="ClassTag"/>, a
/// class name: at most <see cref="MaxClasses"/> of them per instrument, the rest summed under <see cref="OtherClass"/>.
/// </remarks>
public static class HeapmonMeter
{
    /// <summary>The meter's name, for <c>.AddMeter(...)</c> and <c>--counters</c>.</summary>
    public const string Name = "Heapmon";

    /// <summary>Gauge, <c>{instance}</c>: live instances of a tracked class at the latest snapshot (Pympler: the summary's active column).</summary>
    public const string TrackedInstances = "heapmon.tracked.instances";

    /// <summary>Gauge, <c>By</c>: bytes of the live instances of a tracked class at the latest snapshot (Pympler: the summary's size column).</summary>
    public const string TrackedSize = "heapmon.tracked.size";

    /// <summary>Histogram, <c>s</c>: wall time of each snapshot (Pympler: create_snapshot).</summary>
    public const string SnapshotDuration = "heapmon.snapshot.duration";

    /// <summary>Counter, <c>s</c>: CPU time spent taking snapshots since the process started: Heapmon's own overhead.</summary>
    public const string SnapshotCpuTime = "heapmon.snapshot.cpu.time";

    /// <summary>Gauge, <c>By/s</c>: estimated bytes allocated per second by type over the last <see cref="RateWindowSeconds"/> (tracemalloc's sampled allocations).</summary>
    public const string AllocationRate = "heapmon.allocation.rate";

    /// <summary>Gauge, <c>By/s</c>: lower bound of the 95% interval of <see cref="AllocationRate"/>.</summary>
    public const string AllocationRateLow = "heapmon.allocation.rate.low";

    /// <summary>Gauge, <c>By/s</c>: upper bound of the 95% interval of <see cref="AllocationRate"/>.</summary>
    public const string AllocationRateHigh = "heapmon.allocation.rate.high";

    /// <summary>The tag naming the class (or type) of a measurement.</summary>
    public const string ClassTag = "class";

    /// <summary>The <see cref="ClassTag"/> value under which the classes beyond <see cref="MaxClasses"/> are summed.</summary>
    public const string OtherClass = "other";

    /// <summary>Class names reported per instrument, the largest first; the rest are summed under <see cref="OtherClass"/>.</summary>
    public const int MaxClasses = 100;

    /// <summary>The span over which <see cref="AllocationRate"/> is averaged, in seconds.</summary>
    public const int RateWindowSeconds = 10;

    private static readonly Meter s_meter = new(Name, typeof(HeapmonMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]);

    internal static readonly Histogram<double> Durations = s_meter.CreateHistogram<double>(SnapshotDuration, "s", "Wall time of each Heapmon snapshot.");

    static HeapmonMeter()
    {
        s_meter.CreateObservableGauge(TrackedInstances, () => MeterSources.Instances(), "{instance}", "Live instances of a tracked class at the latest snapshot.");
        s_meter.CreateObservableGauge(TrackedSize, () => MeterSources.Sizes(), "By", "Bytes of the live instances of a tracked class at the latest snapshot.");
        s_meter.CreateObservableCounter(SnapshotCpuTime, () => MeterSources.CpuSeconds, "s", "CPU time spent taking Heapmon snapshots.");
        s_meter.CreateObservableGauge(AllocationRate, () => AllocationRates.Shared.Observe(RateBound.Value), "By/s", "Estimated bytes allocated per second by type (sampled).");
        s_meter.CreateObservableGauge(AllocationRateLow, () => AllocationRates.Shared.Observe(RateBound.Low), "By/s", "Lower bound of the 95% interval of heapmon.allocation.rate.");
        s_meter.CreateObservableGauge(AllocationRateHigh, () => AllocationRates.Shared.Observe(RateBound.High), "By/s", "Upper bound of the 95% interval of heapmon.allocation.rate.");
    }

    /// <summary>Makes sure the meter exists, so that listeners see it (the first tracker or tracer start calls this).</summary>
    internal static void EnsureCreated() => _ = Durations;
}
