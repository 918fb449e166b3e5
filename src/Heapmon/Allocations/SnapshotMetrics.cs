using System.Diagnostics;

namespace Heapmon.Allocations;

/// <summary>The metrics a snapshot records (tracemalloc: add_gc_metrics, add_process_memory_metrics, add_tracemalloc_metrics).</summary>
internal static class SnapshotMetrics
{
    public static void AddAll(AllocationSnapshot snapshot, bool traces)
    {
        using (var process = Process.GetCurrentProcess())
        {
            snapshot.AddMetric("process_memory.rss", process.WorkingSet64, MetricFormat.Size);
            snapshot.AddMetric("process_memory.vms", process.VirtualMemorySize64, MetricFormat.Size);
        }
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        snapshot.AddMetric("gc.heap_size", info.HeapSizeBytes, MetricFormat.Size);
        string[] generations = ["gen0", "gen1", "gen2", "loh", "poh"];
        for (int i = 0; i < generations.Length && i < info.GenerationInfo.Length; i++)
            snapshot.AddMetric($"gc.{generations[i]}.size", info.GenerationInfo[i].SizeAfterBytes, MetricFormat.Size);
        for (int gen = 0; gen <= GC.MaxGeneration; gen++)
            snapshot.AddMetric($"gc.gen{gen}.collections", GC.CollectionCount(gen), MetricFormat.Int);
        // Exact, not sampled: the runtime counts every allocated byte.
        snapshot.AddMetric("gc.total_allocated", GC.GetTotalAllocatedBytes(precise: true), MetricFormat.Size);
        // The snapshot has just flushed the session: read the store as it is.
        snapshot.AddMetric("tracer.traced.size", (long)AllocationTracer.Samples.EstimatedBytes, MetricFormat.Size);
        snapshot.AddMetric("tracer.traced.max_size", (long)AllocationTracer.Samples.PeakBytes, MetricFormat.Size);
        snapshot.AddMetric("tracer.samples", snapshot.SampleCount, MetricFormat.Int);
        snapshot.AddMetric("tracer.memory", AllocationTracer.GetTracerMemory(), MetricFormat.Size);
        if (traces) snapshot.AddMetric("tracer.traces", snapshot.Traces?.Count ?? 0, MetricFormat.Int);
    }
}
