using System.Runtime.CompilerServices;
using Heapmon.Allocations;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Allocations;

/// <summary>The live tracer in the test process: its lines are this file's, found by their <c>// site:</c> marks.</summary>
[Collection(AllocationTracerCollection.Name)]
public sealed class AllocationTracerTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private static readonly Dictionary<string, int> s_lines = SourceLines.Sites("tests/Heapmon.Tests/Allocations/AllocationTracerTests.cs");
    private static object? s_sink;

    public void Dispose()
    {
        AllocationTracer.Stop();
        AllocationTracer.ClearFilters();
    }

    private static bool IsHere(AllocationKey key, string site) =>
        key.FileName is { } file && file.EndsWith("/Allocations/AllocationTracerTests.cs", StringComparison.Ordinal) && key.LineNumber == s_lines[site];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateMegabytes(int count)
    {
        for (int i = 0; i < count; i++) s_sink = new byte[MiB]; // site:megabytes
    }

    [Fact]
    public void StartAndStopSetTheStateAndOptionsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AllocationTracer.Start(tracebackLimit: 0));
        AllocationTracer.Start(tracebackLimit: 3);
        Assert.True(AllocationTracer.IsTracing);
        Assert.Equal(3, AllocationTracer.TracebackLimit);
        Assert.Throws<InvalidOperationException>(() => AllocationTracer.Start());
        AllocationTracer.Stop();
        Assert.False(AllocationTracer.IsTracing);
        AllocationTracer.Stop(); // a second stop does nothing
    }

    [Fact]
    public void MegabyteArraysAtAKnownLineAreCountedNearlyExactly()
    {
        AllocationTracer.Start(tracebackLimit: 2);
        AllocateMegabytes(30);
        AllocationSnapshot snapshot = AllocationSnapshot.Take(traces: true);
        var line = snapshot.TopBy(GroupBy.Line).Stats.Single(p => IsHere(p.Key, "megabytes")).Value;
        // A 1 MiB object is sampled with probability 1 − e^−10.24: the interval is ±0.3% and holds 30.
        Assert.True(line.Count.Contains(30), line.Count.ToString());
        Assert.True(line.Size.Contains(30.0 * (MiB + 24)), line.Size.ToString());
        Assert.All(snapshot.Traces!.Where(t => t.Traceback.Count > 0 && t.Traceback[0].LineNumber == s_lines["megabytes"] && t.Traceback[0].FileName.EndsWith("AllocationTracerTests.cs")), t =>
        {
            Assert.Equal("System.Byte[]", t.TypeName);
            Assert.Equal(MiB + 24, t.Size);
            Assert.Equal(2, t.Traceback.Count); // the limit: the line and its caller
            Assert.Contains($"AllocationTracerTests.{nameof(MegabyteArraysAtAKnownLineAreCountedNearlyExactly)}", t.Traceback[1].Method);
        });
        (long size, long peak) = AllocationTracer.GetTracedMemory();
        Assert.True(size >= 29L * MiB, $"traced {size}");
        Assert.Equal(size, peak);
        Assert.True(AllocationTracer.GetTracerMemory() > 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateStrings()
    {
        for (int i = 0; i < 20; i++) s_sink = new string('x', 500_000); // site:strings
    }

    [Fact]
    public void RuntimeFramesAreSkippedUnlessAskedFor()
    {
        // new string(char, int) allocates inside System.Private.CoreLib (String.Ctor).
        AllocationTracer.Start(tracebackLimit: 2);
        AllocateStrings();
        AllocationTrace skipped = AllocationSnapshot.Take(traces: true).Traces!.First(t => t.TypeName == "System.String" && t.Size > 1_000_000);
        Assert.Equal(s_lines["strings"], skipped.Traceback[0].LineNumber);
        AllocationTracer.Stop();

        AllocationTracer.Start(AllocationTracerOptions.Default with { TracebackLimit = 2, IncludeRuntimeFrames = true });
        AllocateStrings();
        AllocationTrace kept = AllocationSnapshot.Take(traces: true).Traces!.First(t => t.TypeName == "System.String" && t.Size > 1_000_000);
        Assert.Equal("<System.Private.CoreLib>", kept.Traceback[0].FileName);
        Assert.StartsWith("System.String.", kept.Traceback[0].Method);
        Assert.Equal(s_lines["strings"], kept.Traceback[1].LineNumber);
    }

    [Fact]
    public void ClearTracesForgetsEarlierSamples()
    {
        AllocationTracer.Start();
        AllocateMegabytes(5);
        AllocationTracer.ClearTraces();
        AllocationSnapshot snapshot = AllocationSnapshot.Take();
        Assert.DoesNotContain(snapshot.TopBy(GroupBy.Line).Stats.Keys, k => IsHere(k, "megabytes"));
    }

    [Fact]
    public void FiltersSelectWhatIsTracedFromThenOn()
    {
        AllocationTracer.Start();
        AllocationTracer.AddExcludeFilter("*/Allocations/AllocationTracerTests.cs");
        Assert.Equal("-*/Allocations/AllocationTracerTests.cs", Assert.Single(AllocationTracer.Filters).ToString());
        AllocateMegabytes(5);
        Assert.DoesNotContain(AllocationSnapshot.Take().TopBy(GroupBy.Line).Stats.Keys, k => IsHere(k, "megabytes"));

        AllocationTracer.ClearFilters();
        AllocationTracer.AddIncludeFilter("*/Allocations/AllocationTracerTests.cs", s_lines["megabytes"]);
        AllocationTracer.ClearTraces();
        AllocateMegabytes(5);
        s_sink = new byte[2 * MiB]; // site:other
        var keys = AllocationSnapshot.Take().TopBy(GroupBy.Line).Stats.Keys.ToList();
        Assert.Contains(keys, k => IsHere(k, "megabytes"));
        Assert.DoesNotContain(keys, k => IsHere(k, "other"));
        Assert.All(keys, k => Assert.EndsWith("AllocationTracerTests.cs", k.FileName));
    }

    [Fact]
    public void AnObjectWhoseAllocationWasSampledHasItsTrace()
    {
        AllocationTracer.Start();
        bool found = false;
        string? lastReason = null;
        // A GC forced by another test between allocation and lookup can hide the match: try a few objects.
        for (int attempt = 0; attempt < 5 && !found; attempt++)
        {
            byte[] big = new byte[MiB]; // site:objecttrace
            found = AllocationTracer.TryGetObjectTrace(big, out AllocationTrace? trace, out lastReason);
            if (found)
            {
                Assert.Equal("System.Byte[]", trace!.TypeName);
                Assert.Equal(MiB + 24, trace.Size);
                Assert.EndsWith("AllocationTracerTests.cs", trace.Traceback[0].FileName);
                Assert.Equal(s_lines["objecttrace"], trace.Traceback[0].LineNumber);
            }
            GC.KeepAlive(big);
        }
        Assert.True(found, lastReason);

        // A 24-byte object is sampled once in ~4,300: this one was almost surely not, and the tracer says so.
        object small = new();
        Assert.False(AllocationTracer.TryGetObjectTrace(small, out _, out string? why));
        Assert.False(string.IsNullOrEmpty(why));

        AllocationTracer.Stop();
        Assert.False(AllocationTracer.TryGetObjectTrace(small, out _, out why));
        Assert.Equal("the allocation tracer is not running", why);
    }

    private class Shape
    {
        public long A = 1, B = 2, C = 3, D = 4;
    }

    private sealed class Circle : Shape
    {
        public long R = 5;
    }

    [Fact]
    public void InstantiationSitesOfAClassAndItsSubclassesHaveEstimatedCounts()
    {
        AllocationTracer.Start(tracebackLimit: 2);
        for (int i = 0; i < 60_000; i++) s_sink = new Shape(); // site:shapes
        for (int i = 0; i < 60_000; i++) s_sink = new Circle(); // site:circles

        var own = InstantiationSites.Of(typeof(Shape), includeSubclasses: false);
        Assert.Contains(own, s => s.Frames[0].EndsWith($"AllocationTracerTests.cs:{s_lines["shapes"]})"));
        Assert.DoesNotContain(own, s => s.Frames[0].EndsWith($"AllocationTracerTests.cs:{s_lines["circles"]})"));

        var all = InstantiationSites.Of(typeof(Shape), includeSubclasses: true);
        var circles = Assert.Single(all, s => s.Frames[0].EndsWith($"AllocationTracerTests.cs:{s_lines["circles"]})"));
        Assert.Equal(2, circles.Frames.Count);
        Assert.True(circles.Samples > 0);
        Assert.True(circles.Low <= circles.EstimatedCount && circles.EstimatedCount <= circles.High);
        // 60,000 objects of 56 bytes: ~33 samples, ±35%; six standard errors either way never fail.
        Assert.InRange(circles.EstimatedCount, 20_000, 150_000);
        Assert.Equal(all.OrderByDescending(s => s.EstimatedCount).Select(s => s.EstimatedCount), all.Select(s => s.EstimatedCount));
    }

    [Fact]
    public void SnapshotMetricsMatchTheRuntimeCounters()
    {
        AllocationTracer.Start();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        int gen0Before = GC.CollectionCount(0);
        AllocationSnapshot snapshot = AllocationSnapshot.Take(traces: true);
        long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        Assert.InRange(snapshot.GetMetric("gc.total_allocated")!.Value, allocatedBefore, allocatedAfter);
        Assert.InRange(snapshot.GetMetric("gc.gen0.collections")!.Value, gen0Before, GC.CollectionCount(0));
        Assert.Equal(snapshot.Traces!.Count, snapshot.GetMetric("tracer.traces")!.Value);
        Assert.True(snapshot.GetMetric("process_memory.rss")!.Value > 0);
        Assert.Equal(Environment.ProcessId, snapshot.ProcessId);
        Assert.Empty(AllocationSnapshot.Take(metrics: false).Metrics);
    }

    [Fact]
    public void DisplayTopTaskRunsOnMemoryGrowthTheScheduledNumberOfTimes()
    {
        AllocationTracer.Start();
        var output = new StringWriter();
        var task = new DisplayTopTask(3, GroupBy.File, output: output);
        task.DisplayTop.Metrics = false;
        task.SetMemoryThreshold(4 * MiB);
        Assert.Equal(4 * MiB, task.MemoryThreshold);
        task.Schedule(repeat: 2);
        Assert.Contains(task, AllocationTracer.GetTasks());
        for (int i = 0; i < 4 && task.IsScheduled; i++)
        {
            AllocateMegabytes(6);
            AllocationTracer.Flush();
            AllocationTaskScheduler.Tick();
        }
        // The scheduler's own timer may be the one running the task: wait for it to finish.
        Assert.True(SpinWait.SpinUntil(() => !task.IsScheduled, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, output.ToString().Split("Top 3 allocations per filename").Length - 1);
        Assert.Contains("(compared to", output.ToString()); // the second top compares with the first
    }

    [Fact]
    public void DelayTriggersATaskAndAFailingTaskIsCancelled()
    {
        AllocationTracer.Start();
        int calls = 0;
        var counting = new AllocationTask(() => calls++);
        counting.SetDelay(TimeSpan.FromMilliseconds(20));
        counting.Schedule(repeat: 1);
        var failing = new AllocationTask(() => throw new InvalidOperationException("boom"));
        failing.SetDelay(TimeSpan.FromMilliseconds(20));
        failing.Schedule();
        Thread.Sleep(100);
        AllocationTaskScheduler.Tick();
        Assert.True(SpinWait.SpinUntil(() => !counting.IsScheduled && !failing.IsScheduled, TimeSpan.FromSeconds(10)));
        Assert.Equal(1, calls);
        Assert.False(counting.IsScheduled);
        Assert.False(failing.IsScheduled);
        Assert.Equal("boom", failing.LastError?.Message);
    }

    [Fact]
    public void TakeSnapshotTaskWritesNumberedFilesFromItsTemplate()
    {
        AllocationTracer.Start();
        string dir = TestPaths.NewTempDirectory("alloc-task");
        var task = new TakeSnapshotTask(Path.Combine(dir, "snap-$pid-$counter.json"), traces: true, callback: s => s.AddMetric("app.step", 1, MetricFormat.Int));
        (AllocationSnapshot first, string firstName) = task.TakeSnapshot();
        task.Call();
        Assert.Equal(Path.Combine(dir, $"snap-{Environment.ProcessId}-0001.json"), firstName);
        Assert.True(File.Exists(Path.Combine(dir, $"snap-{Environment.ProcessId}-0002.json")));
        AllocationSnapshot loaded = AllocationSnapshot.Load(firstName);
        Assert.Equal(1, loaded.GetMetric("app.step")!.Value);
        Assert.Equal(first.Traces!.Count, loaded.Traces!.Count);
        Assert.Equal("x-7-2026-03-01-12_30_45-0012.json", TakeSnapshotTask.FormatFileName("x-$pid-$timestamp-$counter.json", 7, SyntheticSnapshots.Clock, 12));
    }

    [Fact]
    public void TasksNeedATriggerAndARunningTracerAndStopCancelsThem()
    {
        var task = new AllocationTask(() => { });
        Assert.Throws<InvalidOperationException>(() => task.Schedule()); // no delay, no threshold
        task.SetDelay(TimeSpan.FromHours(1));
        Assert.Throws<InvalidOperationException>(() => task.Schedule()); // tracer not running
        Assert.Throws<ArgumentOutOfRangeException>(() => task.SetMemoryThreshold(0));

        AllocationTracer.Start();
        var other = new AllocationTask(() => { });
        other.SetMemoryThreshold(MiB);
        task.Schedule();
        other.Schedule();
        Assert.Equal(2, AllocationTracer.GetTasks().Count);
        AllocationTracer.CancelTasks();
        Assert.Empty(AllocationTracer.GetTasks());
        task.Schedule();
        AllocationTracer.Stop();
        Assert.Empty(AllocationTracer.GetTasks());
        task.Cancel(); // cancelling an unscheduled task does nothing
    }
}
