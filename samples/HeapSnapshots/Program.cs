using System.Globalization;
using System.Runtime.CompilerServices;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Stats;
using Shop;

// What grew, and what holds it: two heap snapshots around a leak, their diff with the leak suspect,
// and a check of the retained size by "collecting it and seeing" what a full GC frees.
//   dotnet run --project samples/HeapSnapshots [folder]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string folder = args.FirstOrDefault() ?? Directory.CreateTempSubdirectory("heapsnap-sample").FullName;
string before = Path.Combine(folder, "before.heapsnap"), after = Path.Combine(folder, "after.heapsnap");

OrderCache.Add(0, 1_000);
HeapSnapshotFile.Save(HeapSnapshot.Take(), before);

OrderCache.Add(1_000, 5_000);           // the leak: every order is kept
Transient.Churn(100_000);               // garbage: gone by the next snapshot
HeapSnapshotData snapshot = HeapSnapshot.Take();
HeapSnapshotFile.Save(snapshot, after);

// The same as `heapmon heap diff before.heapsnap after.heapsnap --top 8`.
HeapSnapshotDiff diff = HeapSnapshotDiff.Compare(HeapSnapshotFile.Load(before), HeapSnapshotFile.Load(after));
HeapReport.WriteDiff(diff, Console.Out, top: 8);

// Collect it and see: drop the cache's only reference, force a full GC, and the heap shrinks by its retained size.
HeapRetainer cache = snapshot.Retainers.First(r => r.Root == "static Shop.OrderCache.s_orders" && r.Path.Count == 1);
GC.Collect();
GC.WaitForPendingFinalizers();
long held = GC.GetTotalMemory(forceFullCollection: true);
OrderCache.Clear();
long freed = held - GC.GetTotalMemory(forceFullCollection: true);
Console.WriteLine();
Console.WriteLine($"The cache retained {cache.RetainedBytes:N0} bytes; dropping it freed {freed:N0} bytes.");
Console.WriteLine($"check|retained={cache.RetainedBytes}|freed={freed}|folder={folder}");

namespace Shop
{
    internal sealed record Order(int Id, string Customer, decimal Total);

    internal static class OrderCache
    {
        private static Dictionary<int, Order>? s_orders = [];

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Add(int from, int count)
        {
            for (int i = from; i < from + count; i++) s_orders![i] = new Order(i, "customer-" + (i % 500).ToString("D3", CultureInfo.InvariantCulture), i * 1.25m);
        }

        public static void Clear() => s_orders = null;
    }

    internal static class Transient
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Churn(int count)
        {
            long length = 0;
            for (int i = 0; i < count; i++) length += ("temp-" + i.ToString(CultureInfo.InvariantCulture)).Length;
            GC.KeepAlive(length);
        }
    }
}
