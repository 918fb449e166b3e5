namespace Heapmon.Tests.Target;

/// <summary>A record <see cref="HardLimitMode"/> keeps: about 1 KB each.</summary>
public sealed class LimitItem(int number)
{
    public int Number { get; } = number;
    public byte[] Payload { get; } = new byte[1000];
}

/// <summary>
/// A program made to run close to a GC heap hard limit (the test sets <c>DOTNET_GCHeapHardLimit=0x6000000</c>, 96 MiB):
/// it keeps THOUSANDS × 1,000 <see cref="LimitItem"/>s (~1 MB a thousand, growing as it goes) while it makes ~11 MB a thousand of short-lived
/// garbage, then prints <c>done|COUNT|GEN2</c>. Alone it runs to its end; a profiler that takes much of the limit
/// for itself pushes it into an OutOfMemoryException.
/// </summary>
public static class HardLimitMode
{
    // Static: still alive when heapmon takes its exit snapshot, after Run returns.
    private static readonly List<LimitItem> s_kept = [];

    public static int Run(int thousands)
    {
        List<LimitItem> kept = s_kept;
        long garbage = 0;
        for (int round = 0; round < thousands; round++)
        {
            for (int i = 0; i < 1000; i++) kept.Add(new LimitItem(kept.Count));
            for (int i = 0; i < 400; i++) garbage += new byte[1000 * 28].Length; // short-lived, each under the large-object threshold
            Thread.Sleep(50);
        }
        GC.Collect();
        Console.WriteLine($"done|{kept.Count}|{GC.CollectionCount(2)}|{garbage}|{GC.GetGCMemoryInfo().HeapSizeBytes >> 20}|{GC.GetGCMemoryInfo().TotalCommittedBytes >> 20}");
        return 0;
    }
}
