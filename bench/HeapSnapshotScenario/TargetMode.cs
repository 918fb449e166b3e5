using System.Diagnostics;
using System.Globalization;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Scenarios;

/// <summary>
/// The measured program: a heap of about N objects (orders with a customer, a list of one line and a SKU
/// string), held by a static field. Takes a heap snapshot on "snap PATH [graph]" from stdin, so the driver
/// can time Heapmon and dotnet-gcdump against the very same process.
/// </summary>
internal static class TargetMode
{
    private static List<Order>? s_orders;

    internal sealed record Customer(int Id, string Name);

    internal sealed class Order(int id, Customer customer, string sku)
    {
        public int Id = id;
        public Customer Customer = customer;
        public string Sku = sku;
        public List<Line> Lines = new(1);
    }

    internal sealed class Line(int quantity, decimal price)
    {
        public int Quantity = quantity;
        public decimal Price = price;
    }

    public static int Run(int objects)
    {
        var customers = new Customer[1_000];
        for (int c = 0; c < customers.Length; c++) customers[c] = new Customer(c, "customer-" + c.ToString(CultureInfo.InvariantCulture));
        int orders = objects / 5;   // an order, its list, the list's array, a line, a SKU string
        s_orders = new List<Order>(orders);
        for (int i = 0; i < orders; i++)
        {
            var order = new Order(i, customers[i % customers.Length], "SKU-" + i.ToString(CultureInfo.InvariantCulture));
            order.Lines.Add(new Line(1 + i % 3, 9.99m));
            s_orders.Add(order);
        }
        GC.Collect();
        Console.WriteLine($"ready {Environment.ProcessId}");
        for (string? line; (line = Console.ReadLine()) is not null && line != "quit";)
        {
            string[] words = line.Split(' ');
            if (words[0] == "snap") Snap(words[1], words.Length > 2 && words[2] == "graph");
        }
        GC.KeepAlive(customers);
        return 0;
    }

    private static void Snap(string path, bool graph)
    {
        GC.Collect();
        long heapBefore = GC.GetGCMemoryInfo().HeapSizeBytes;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        HeapSnapshotData snapshot = HeapSnapshot.Take(graph ? HeapSnapshotOptions.WithGraph : HeapSnapshotOptions.Default);
        double ms = clock.Elapsed.TotalMilliseconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        HeapSnapshotFile.Save(snapshot, path);
        long objects = snapshot.ObjectCount;
        snapshot = null!;
        GC.Collect();
        long heapAfter = GC.GetGCMemoryInfo().HeapSizeBytes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"snap ms={ms:F1} objects={objects} allocated={allocated} heapBefore={heapBefore} heapAfter={heapAfter}"));
    }
}
