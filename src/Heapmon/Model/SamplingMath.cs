namespace Heapmon.Model;

/// <summary>
/// The estimator for .NET 10's randomized allocation sampling (dotnet/runtime
/// docs/design/features/RandomizedAllocationSampling.md): every allocated byte is sampled with
/// p = 1/102,400, so an object of S bytes is sampled with π(S) = 1 − (1 − p)^S and a sample stands
/// for 1/π objects (Horvitz–Thompson). Intervals: the HT variance Σ (1 − π)/π² · y² gives an
/// effective number of samples k = est²/var, and the Poisson (Garwood) 95% interval for k scales
/// the estimate — exact for one object size, and tight when π → 1 (huge objects are always sampled).
/// </summary>
internal static class SamplingMath
{
    /// <summary>Mean distance between samples in bytes; fixed by the runtime (no knob).</summary>
    public const double MeanSamplingDistance = 102_400;

    private static readonly double s_logQ = Math.Log(1 - 1 / MeanSamplingDistance);

    /// <summary>Probability that an object of <paramref name="size"/> bytes is sampled.</summary>
    public static double SampledProbability(long size) => size <= 0 ? 1 : Math.Max(-double.ExpM1(size * s_logQ), double.Epsilon);

    /// <summary>Objects one sample of this size stands for (1/π).</summary>
    public static double CountWeight(long size) => 1 / SampledProbability(size);

    /// <summary>Variance contribution of one sample to a count estimate: (1 − π)/π².</summary>
    public static double CountVariance(long size)
    {
        double pi = SampledProbability(size);
        return (1 - pi) / (pi * pi);
    }

    /// <summary>The 95% interval of an estimate from its value and HT variance.</summary>
    public static Estimate Interval(double value, double variance)
    {
        if (value <= 0) return new Estimate(0, 0, 0);
        if (variance <= value * value * 1e-12) return new Estimate(value, value, value);
        double k = value * value / variance;
        (double low, double high) = PoissonInterval(k);
        return new Estimate(value, value * low / k, value * high / k);
    }

    /// <summary>Garwood 95% interval for a Poisson count k (k may be fractional), via Wilson–Hilferty.</summary>
    internal static (double Low, double High) PoissonInterval(double k)
    {
        const double z = 1.959963984540054;
        double low = k <= 0 ? 0 : ChiSquareQuantile(2 * k, -z) / 2;
        double high = ChiSquareQuantile(2 * k + 2, z) / 2;
        // Wilson–Hilferty fails below ~2 degrees of freedom; there the exact 2-dof quantile, −ln(0.975) per sample, serves.
        if (low <= 0 && k > 0) low = -Math.Log(0.975) * Math.Min(k, 1);
        return (Math.Max(0, Math.Min(low, k)), Math.Max(high, k));
    }

    private static double ChiSquareQuantile(double dof, double z)
    {
        double a = 2 / (9 * dof);
        double t = 1 - a + z * Math.Sqrt(a);
        return t <= 0 ? 0 : dof * t * t * t;
    }
}
