namespace Heapmon.Allocations;

/// <summary>How a metric's value prints (tracemalloc: Metric.format).</summary>
public enum MetricFormat
{
    /// <summary>A plain number ('int').</summary>
    Int,

    /// <summary>A fraction, 1.0 printed as 100% ('percent').</summary>
    Percent,

    /// <summary>A size in bytes, printed in KiB/MiB ('size').</summary>
    Size,
}

/// <summary>A value read when a snapshot was taken (tracemalloc: Metric).</summary>
/// <param name="Name">Dotted name, e.g. <c>process_memory.rss</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Format">How it prints.</param>
public sealed record Metric(string Name, double Value, MetricFormat Format)
{
    /// <summary>The value as the top display prints it: <c>828 MiB</c>, <c>19.2%</c>, <c>2688709</c>.</summary>
    public string FormatValue() => Format switch
    {
        MetricFormat.Size => ByteUnits.Compact(Value),
        MetricFormat.Percent => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Value * 100:0.0}%"),
        _ => Value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
    };
}
