using Heapmon.Model;

namespace Heapmon.Allocations;

/// <summary>
/// Estimated size and count of a group of allocations, each with its 95% interval, and the number
/// of samples behind them (tracemalloc: the (size, count) tuple of a group).
/// </summary>
public sealed class AllocationStats
{
    internal AllocationStats(int samples, double count, double countVariance, double size, double sizeVariance)
    {
        Samples = samples;
        CountSum = count;
        CountVariance = countVariance;
        SizeSum = size;
        SizeVariance = sizeVariance;
        Count = SamplingMath.Interval(count, countVariance);
        Size = SamplingMath.Interval(size, sizeVariance);
    }

    /// <summary>Samples behind the estimates; more samples, tighter intervals (±50% at 10, ±6% at 1,000).</summary>
    public int Samples { get; }

    /// <summary>Estimated bytes allocated, with its 95% interval.</summary>
    public Estimate Size { get; }

    /// <summary>Estimated number of objects allocated, with its 95% interval.</summary>
    public Estimate Count { get; }

    /// <summary>Estimated average object size in bytes.</summary>
    public double Average => Count.Value == 0 ? 0 : Size.Value / Count.Value;

    internal double CountSum { get; }
    internal double CountVariance { get; }
    internal double SizeSum { get; }
    internal double SizeVariance { get; }

    internal static AllocationStats Empty { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Accumulates samples; Horvitz–Thompson sums and variances add up over disjoint samples.</summary>
    internal sealed class Builder
    {
        private int _samples;
        private double _count, _countVar, _size, _sizeVar;

        public void Add(long objectSize)
        {
            double w = SamplingMath.CountWeight(objectSize);
            double v = SamplingMath.CountVariance(objectSize);
            _samples++;
            _count += w;
            _countVar += v;
            _size += objectSize * w;
            _sizeVar += v * objectSize * (double)objectSize;
        }

        public void Add(AllocationStats stats)
        {
            _samples += stats.Samples;
            _count += stats.CountSum;
            _countVar += stats.CountVariance;
            _size += stats.SizeSum;
            _sizeVar += stats.SizeVariance;
        }

        public AllocationStats Build() => new(_samples, _count, _countVar, _size, _sizeVar);
    }
}
