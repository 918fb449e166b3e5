using System.Diagnostics;
using System.Runtime.CompilerServices;
using Heapmon.Metrics;
using Heapmon.Model;
using Heapmon.Sizing;
using Heapmon.Tracking;

namespace Heapmon.Tests.Metrics;

/// <summary>The Heapmon meter as a listener sees it while a real tracker walks the heap: the exact counts, sizes and costs of its snapshots.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapmonMeterTests
{
    private const int Count = 1_234;

    [Fact]
    public void GaugesReportTheExactInstancesAndBytesOfTheLatestSnapshotAndStopAtDispose()
    {
        using var readings = new MeterReadings();
        var tracker = new ClassTracker();
        tracker.TrackClass<Gauged>();
        List<Gauged> held = Make(Count);
        Snapshot snapshot = tracker.CreateSnapshot();
        long size = ObjectSize.Shallow(held[0]);

        readings.Collect();
        Assert.Equal([Count], readings.Of(HeapmonMeter.TrackedInstances, ClassName(snapshot)));
        Assert.Equal([Count * size], readings.Of(HeapmonMeter.TrackedSize, ClassName(snapshot)));

        held.RemoveRange(1_000, 234); // from the end: held[0], read above, may still sit in a slot of this frame
        tracker.CreateSnapshot();
        readings.Clear();
        readings.Collect();
        Assert.Equal([1_000], readings.Of(HeapmonMeter.TrackedInstances, ClassName(snapshot)));

        tracker.Dispose();
        readings.Clear();
        readings.Collect();
        Assert.Empty(readings.Of(HeapmonMeter.TrackedInstances, ClassName(snapshot)));
        GC.KeepAlive(held);
    }

    [Fact]
    public void EachSnapshotRecordsItsDurationAndItsCpuTimeAddsToTheCounter()
    {
        using var readings = new MeterReadings();
        using var tracker = new ClassTracker();
        tracker.TrackClass<Gauged>();
        List<Gauged> held = Make(100);
        readings.Collect();
        double cpuBefore = readings.Of(HeapmonMeter.SnapshotCpuTime).Single();
        TimeSpan processBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var wall = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++) tracker.CreateSnapshot();
        wall.Stop();
        TimeSpan processCpu = Process.GetCurrentProcess().TotalProcessorTime - processBefore;

        // Durations: one per snapshot of this tracker (other trackers may run meanwhile: at least ours, each within the wall time).
        double[] durations = readings.Of(HeapmonMeter.SnapshotDuration);
        Assert.True(durations.Length >= 3, $"{durations.Length} durations");
        Assert.True(durations.Order().TakeLast(3).All(d => d > 0) && durations.Sum() <= wall.Elapsed.TotalSeconds + 1, string.Join(", ", durations));
        readings.Collect();
        double cpuAfter = readings.Of(HeapmonMeter.SnapshotCpuTime)[^1];
        // Each snapshot forces a full GC and walks the heap: some CPU, never more than the whole process spent.
        Assert.InRange(cpuAfter - cpuBefore, 1e-6, processCpu.TotalSeconds + 0.05);
        GC.KeepAlive(held);
    }

    [Fact]
    public void BeyondTheCapTheSmallestClassesAreSummedUnderOther()
    {
        // 250 classes far larger than anything a real tracker in this process holds: they fill the 99 named series.
        const long Huge = 1L << 40;
        string prefix = "Probe" + Guid.NewGuid().ToString("N")[..8] + ".C";
        ClassSummary[] classes = [.. Enumerable.Range(0, 250).Select(i => new ClassSummary($"{prefix}{i:000}", i + 1, Huge * (i + 1), Huge, 0))];
        using var readings = new MeterReadings();
        using var source = new TrackerMetrics();
        source.Publish(SnapshotOf(classes), TimeSpan.FromMilliseconds(5), TimeSpan.Zero);

        readings.Collect();
        var instances = readings.All.Where(m => m.Instrument == HeapmonMeter.TrackedInstances).ToList();
        Assert.Equal(HeapmonMeter.MaxClasses, instances.Count);
        string[] named = [.. instances.Where(m => m.Class != HeapmonMeter.OtherClass).Select(m => m.Class!).Order(StringComparer.Ordinal)];
        Assert.Equal(Enumerable.Range(151, 99).Select(i => $"{prefix}{i:000}"), named);
        // Other holds the 151 smallest of ours (and whatever other trackers report, which is far smaller).
        double other = readings.Of(HeapmonMeter.TrackedSize, HeapmonMeter.OtherClass).Single();
        double oursInOther = Enumerable.Range(1, 151).Sum(i => (double)Huge * i);
        Assert.InRange(other, oursInOther, oursInOther + Huge);
        Assert.InRange(readings.Of(HeapmonMeter.TrackedInstances, HeapmonMeter.OtherClass).Single(), Enumerable.Range(1, 151).Sum(), double.MaxValue);
    }

    [Fact]
    public void CappedRowsEqualABruteForceSumAndANewerSnapshotWinsForAClass()
    {
        var random = new Random(7);
        ClassSummary[] older = [.. Enumerable.Range(0, 40).Select(i => new ClassSummary($"C{i}", i, random.Next(1, 1000), 0, 0))];
        ClassSummary[] newer = [new ClassSummary("C3", 999, 5_000, 0, 0), .. Enumerable.Range(40, 30).Select(i => new ClassSummary($"C{i}", i, random.Next(1, 1000), 0, 0))];
        ClassSeries.Row[] rows = ClassSeries.Cap([SnapshotOf(older), SnapshotOf(newer)], 10);

        var merged = older.Where(c => c.ClassName != "C3").Concat(newer).ToDictionary(c => c.ClassName);
        var largest = merged.Values.OrderByDescending(c => c.Total).ThenBy(c => c.ClassName, StringComparer.Ordinal).ToList();
        Assert.Equal(10, rows.Length);
        Assert.Equal(largest.Take(9).Select(c => c.ClassName).Order(StringComparer.Ordinal), rows[..9].Select(r => r.ClassName));
        Assert.Equal(new ClassSeries.Row("other", largest.Skip(9).Sum(c => (long)c.Active), largest.Skip(9).Sum(c => c.Total)), rows[9]);
        Assert.Contains(new ClassSeries.Row("C3", 999, 5_000), rows);
        Assert.Equal(70, ClassSeries.Cap([SnapshotOf(older), SnapshotOf(newer)], 100).Length);
    }

    private static string ClassName(Snapshot snapshot) => snapshot.Classes.Single(c => c.ClassName.EndsWith("Gauged", StringComparison.Ordinal)).ClassName;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<Gauged> Make(int count) => [.. Enumerable.Range(0, count).Select(i => new Gauged(i))];

    internal static Snapshot SnapshotOf(IReadOnlyList<ClassSummary> classes) =>
        new(0, DateTimeOffset.UtcNow, null, new ProcessMemory(0, 0), new GcFigures(0, 0, 0, [], [], 0), classes.Sum(c => c.Total), null, classes);

    private sealed class Gauged(int id)
    {
        public int Id { get; } = id;
    }
}
