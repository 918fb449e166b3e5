using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Allocations;

/// <summary>The metrics a snapshot records (tracemalloc: add_gc_metrics, add_process_memory_metrics, add_tracemalloc_metrics).</summary>
internal static class SnapshotMetrics
{
    public static void AddAll(AllocationSnapshot snapshot, bool traces)
    {
        // The same readings a ClassTracker snapshot records.
        ProcessMemory memory = ProcessFigures.Memory();
        snapshot.AddMetric("process_memory.rss", memory.ResidentBytes, MetricFormat.Size);
        snapshot.AddMetric("process_memory.vms", memory.VirtualBytes, MetricFormat.Size);
        GcFigures gc = ProcessFigures.Gc();
        snapshot.AddMetric("gc.heap_size", gc.HeapSizeBytes, MetricFormat.Size);
        foreach (GenerationFigures generation in gc.Generations)
            snapshot.AddMetric($"gc.{generation.Name}.size", generation.SizeAfterBytes, MetricFormat.Size);
        for (int gen = 0; gen < gc.CollectionCounts.Count; gen++)
            snapshot.AddMetric($"gc.gen{gen}.collections", gc.CollectionCounts[gen], MetricFormat.Int);
        // Exact, not sampled: the runtime counts every allocated byte.
        snapshot.AddMetric("gc.total_allocated", gc.TotalAllocatedBytes, MetricFormat.Size);
        // The snapshot has just flushed the session: read the store as it is.
        snapshot.AddMetric("tracer.traced.size", (long)AllocationTracer.Samples.EstimatedBytes, MetricFormat.Size);
        snapshot.AddMetric("tracer.traced.max_size", (long)AllocationTracer.Samples.PeakBytes, MetricFormat.Size);
        snapshot.AddMetric("tracer.samples", snapshot.SampleCount, MetricFormat.Int);
        snapshot.AddMetric("tracer.memory", AllocationTracer.GetTracerMemory(), MetricFormat.Size);
        if (traces) snapshot.AddMetric("tracer.traces", snapshot.Traces?.Count ?? 0, MetricFormat.Int);
    }
}
