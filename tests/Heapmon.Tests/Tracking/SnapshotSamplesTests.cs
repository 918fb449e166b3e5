using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

public sealed class SnapshotSamplesTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the bitmap made at its final size from the first and last slots
    public void EverySampleReadsBackAndDeadSlotsBetweenThemCostNoRuns(bool sizedUpFront)
    {
        var random = new Random(11);
        var slots = new int[20_000];
        int slot = 5;
        for (int i = 0; i < slots.Length; i++)
            slots[i] = slot += random.Next(4) == 0 ? random.Next(2, 300) : 1; // dead slots between live ones, as a churning program leaves them
        var expected = new Dictionary<int, (long Size, long Flat)>();
        var samples = sizedUpFront ? new SnapshotSamples(slots[0], slots[^1]) : new SnapshotSamples();
        for (int i = 0; i < slots.Length; i++)
        {
            (long, long) sample = i % 5000 < 4000 ? (32, 32) : (64 + i % 3 * 8, 40);
            samples.Add(slots[i], sample.Item1, sample.Item2, tree: null);
            expected[slots[i]] = sample;
        }
        samples.Seal();
        if (sizedUpFront) Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotSamples(10, 20).Add(9, 1, 1, null));

        SnapshotSamples.Cursor cursor = samples.Read();
        for (int s = 0; s <= slot + 10; s++)
        {
            bool found = cursor.TryGet(s, out long size, out long flat, out _);
            Assert.Equal(expected.ContainsKey(s), found);
            if (found) Assert.Equal(expected[s], (size, flat));
        }
        // Runs follow the sizes, not the gaps: 4 stretches of (32, 32) and the varied ones between.
        Assert.True(samples.RunCount < 4 * 1000 + 10, $"{samples.RunCount} runs");
        Assert.True(samples.Bytes < 200_000, $"{samples.Bytes} bytes");
    }

    [Fact]
    public void ASnapshotThatSampledTheSameSlotsSharesTheBitmapAndReadsItsOwnSizes()
    {
        SnapshotSamples first = Sampled([3, 4, 9, 70, 200], size: 24).Seal();
        SnapshotSamples same = Sampled([3, 4, 9, 70, 200], size: 32).Seal(first);
        SnapshotSamples other = Sampled([3, 4, 9, 71, 200], size: 32).Seal(same);

        Assert.True(same.SharesBitmap);
        Assert.False(other.SharesBitmap); // one slot differs
        Assert.True(same.Bytes < first.Bytes, $"{same.Bytes} vs {first.Bytes}");
        SnapshotSamples.Cursor a = first.Read(), b = same.Read(), c = other.Read();
        foreach (int slot in new[] { 3, 9, 70, 71, 200 })
        {
            Assert.Equal(slot != 71, a.TryGet(slot, out long sizeA, out _, out _));
            Assert.Equal(slot != 71, b.TryGet(slot, out long sizeB, out _, out _));
            Assert.Equal(slot != 70, c.TryGet(slot, out _, out _, out _));
            if (slot != 71) Assert.Equal((24L, 32L), (sizeA, sizeB));
        }

        static SnapshotSamples Sampled(int[] slots, long size)
        {
            var samples = new SnapshotSamples(slots[0], slots[^1]);
            foreach (int slot in slots) samples.Add(slot, size, size, tree: null);
            return samples;
        }
    }

    [Fact]
    public void SkippingSlotsWhileReadingStillFindsTheRightRun()
    {
        var samples = new SnapshotSamples();
        for (int s = 0; s < 1000; s++) samples.Add(s * 3, s < 500 ? 24 : 48, 24, tree: null);
        samples.Seal();

        SnapshotSamples.Cursor cursor = samples.Read();
        Assert.True(cursor.TryGet(3 * 499, out long before, out _, out _));
        Assert.False(cursor.TryGet(3 * 499 + 1, out _, out _, out _));
        Assert.True(cursor.TryGet(3 * 999, out long after, out _, out _));
        Assert.Equal((24, 48), (before, after));
        Assert.Throws<InvalidOperationException>(() => samples.Add(5000, 1, 1, null));
    }
}
