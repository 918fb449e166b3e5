using Heapmon.Allocations;
using Heapmon.Model;

namespace Heapmon.Tests.Allocations;

public sealed class SamplingMathTests
{
    [Fact]
    public void WeightsFollowTheRuntimeDesignFormula()
    {
        // π(S) = 1 − (1 − 1/102400)^S; an object of exactly the mean distance is sampled with 1 − e^−1 (to 5e−6).
        Assert.Equal(1 / (1 - Math.Exp(-1)), SamplingMath.CountWeight(102_400), 4);
        Assert.Equal(1 / (1 - Math.Pow(1 - 1 / 102_400.0, 24)), SamplingMath.CountWeight(24), 6);
        Assert.Equal(1.0, SamplingMath.CountWeight(SyntheticSnapshots.Big), 12);
        Assert.Equal(0.0, SamplingMath.CountVariance(SyntheticSnapshots.Big), 12);
    }

    [Fact]
    public void IntervalIsDegenerateWhenEveryObjectIsSampledAndWideForFewSamples()
    {
        Estimate exact = SamplingMath.Interval(100, 0);
        Assert.Equal((100.0, 100.0, 100.0), (exact.Low, exact.Value, exact.High));
        // Ten samples of small objects: k = 10, the Garwood interval is [4.80, 18.39] → about −52% / +84%.
        double w = SamplingMath.CountWeight(24);
        Estimate ten = SamplingMath.Interval(10 * w, 10 * SamplingMath.CountVariance(24));
        Assert.Equal(4.795 / 10, ten.Low / ten.Value, 2);
        Assert.Equal(18.39 / 10, ten.High / ten.Value, 2);
    }

    [Fact]
    public void IntervalsHoldTheTruthAtLeast95PercentOfTheTimeUnderTheSamplingModel()
    {
        // Oracle: the sampling model itself. Each object of S bytes is sampled with π(S), independently.
        var random = new Random(12345);
        int trials = 0, covered = 0;
        long[] sizes = [24, 32, 200, 1_024, 20_000, 100_024, 1_048_600];
        foreach (long size in sizes)
            foreach (int objects in new[] { 50, 1_000, 20_000 })
                for (int trial = 0; trial < 40; trial++)
                {
                    var builder = new AllocationStats.Builder();
                    double pi = SamplingMath.SampledProbability(size);
                    for (int i = 0; i < objects; i++)
                        if (random.NextDouble() < pi) builder.Add(size);
                    AllocationStats stats = builder.Build();
                    if (stats.Samples == 0) continue; // an unsampled group is not reported at all
                    trials++;
                    if (stats.Size.Contains(size * (double)objects) && stats.Count.Contains(objects)) covered++;
                }
        Assert.True(trials > 500, $"only {trials} trials");
        Assert.True(covered >= 0.95 * trials, $"{covered} of {trials} intervals held the truth");
    }

    [Fact]
    public void EstimatesOfMixedGroupsAddUp()
    {
        var a = new AllocationStats.Builder();
        a.Add(24);
        a.Add(SyntheticSnapshots.Big);
        var whole = new AllocationStats.Builder();
        whole.Add(a.Build());
        Assert.Equal(SamplingMath.CountWeight(24) + 1, whole.Build().Count.Value, 6);
        Assert.Equal(24 * SamplingMath.CountWeight(24) + SyntheticSnapshots.Big, whole.Build().Size.Value, 3);
        Assert.Equal(2, whole.Build().Samples);
    }
}
