using Heapmon.Garbage;

namespace Heapmon.Tests.Garbage;

/// <summary>
/// 100 undisposed FileStream-like objects (a finalizable wrapper owning a SafeHandle), 30 disposed
/// ones and 20 still in use, in samples/Garbage run as a child: the report takes a core dump.
/// </summary>
public sealed class FinalizerGarbageTests
{
    [Fact]
    public void UndisposedObjectsQueuedByAGcAreReportedByTypeAndCount()
    {
        // The sample blocks its finalizer thread, drops the objects, runs a GC, then reports.
        FinalizerGarbageReport report = GarbageSampleRun.Json<FinalizerGarbageReport>("finalizers", "--after-gc");
        Assert.Equal(100, Count(report, "GarbageSample.LeakyFile"));
        Assert.Equal(100, Count(report, "GarbageSample.LeakyHandle"));
        Assert.True(report.AwaitingFinalizer >= 200, report.ToString());
        Assert.Equal(report.Types.Sum(t => t.Count), report.Count);
        // The layout: object header + MethodTable + two references = 32 bytes each.
        Assert.Equal(3_200, report.Types.Single(t => t.TypeName == "GarbageSample.LeakyFile").TotalSize);
    }

    [Fact]
    public void UndisposedObjectsNotYetCollectedAreReportedAndDisposedOrLiveOnesAreNot()
    {
        FinalizerGarbageReport report = GarbageSampleRun.Json<FinalizerGarbageReport>("finalizers");
        Assert.Equal(100, Count(report, "GarbageSample.LeakyFile"));
        Assert.Equal(100, Count(report, "GarbageSample.LeakyHandle"));
        // The 20 kept objects (and their handles) are still registered, the 30 disposed are not.
        Assert.True(report.FinalizableObjects >= report.Count + 40, report.ToString());
        string text = report.ToString();
        Assert.Contains("GarbageSample.LeakyFile", text);
        Assert.Contains("Dispose these objects", text);
    }

    private static int Count(FinalizerGarbageReport report, string type) =>
        report.Types.SingleOrDefault(t => t.TypeName == type)?.Count ?? 0;
}
