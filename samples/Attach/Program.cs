// A service that knows nothing of Heapmon and leaks: every "request" adds an Order to a static cache
// that nothing ever empties. Start it, then reach it from another terminal while it runs:
//
//   dotnet run --project samples/Attach -- 5000          keeps 5,000 orders, then one more per "add" line
//   heapmon ps                                            lists it, with its runtime and whether an agent is loaded
//   heapmon census --pid PID --top 20                     the whole heap by type: Heapmon.Samples.Attach.Order 5,000
//   heapmon garbage --pid PID --type Order --paths 1      who holds them: static Heapmon.Samples.Attach.OrderCache.s_orders
//   heapmon track --pid PID --track '*.Order' --interval 1 --duration 10 -o orders.html
//                                                         track them for ten seconds, then detach
//
// Type "add N" to leak N more, "quit" to end. Heapmon leaves nothing behind when it detaches.
using System.Globalization;
using Heapmon.Samples.Attach;

int initial = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
OrderCache.Add(initial);
Console.WriteLine($"ready pid={Environment.ProcessId} orders={OrderCache.Count}");
while (Console.ReadLine() is { } line)
{
    if (line == "quit") break;
    if (line.StartsWith("add ", StringComparison.Ordinal))
    {
        OrderCache.Add(int.Parse(line[4..], CultureInfo.InvariantCulture));
        Console.WriteLine($"orders={OrderCache.Count}");
    }
}
return 0;

namespace Heapmon.Samples.Attach
{
    /// <summary>One leaked record: what every request keeps.</summary>
    internal sealed class Order(int id, string customer)
    {
        public int Id { get; } = id;
        public string Customer { get; } = customer;
        public decimal Total { get; } = id % 100;
    }

    /// <summary>The leak: a static cache that only grows.</summary>
    internal static class OrderCache
    {
        private static readonly List<Order> s_orders = [];

        public static int Count => s_orders.Count;

        public static void Add(int count)
        {
            for (int i = 0; i < count; i++) s_orders.Add(new Order(s_orders.Count, "customer-" + (i % 50).ToString(CultureInfo.InvariantCulture)));
        }
    }
}
