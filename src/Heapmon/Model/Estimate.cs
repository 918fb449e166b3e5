using System.Globalization;

namespace Heapmon.Model;

/// <summary>An unbiased estimate from allocation samples, with its 95% interval. Exact counters have Low = Value = High.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="Low">Lower bound of the 95% interval.</param>
/// <param name="High">Upper bound of the 95% interval.</param>
public readonly record struct Estimate(double Value, double Low, double High)
{
    /// <summary>True when the interval holds <paramref name="value"/>.</summary>
    public bool Contains(double value) => value >= Low && value <= High;

    /// <summary>Half the interval's width relative to the value (0.06 = ±6%).</summary>
    public double RelativeHalfWidth => Value == 0 ? 0 : (High - Low) / 2 / Value;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value:0.##} [{Low:0.##}, {High:0.##}]");
}
