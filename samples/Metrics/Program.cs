using System.Globalization;
using Heapmon.Metrics;
using Heapmon.Samples.Metrics;
using Heapmon.Tracking;
using OpenTelemetry;
using OpenTelemetry.Metrics;

// A service that tracks its orders with Heapmon and exposes them as metrics (docs/metrics.md).
//   hold COUNT      keeps COUNT orders, tracked, with a snapshot every 0.5 s, until "quit" on stdin:
//                   dotnet-counters monitor --counters Heapmon -p PID shows heapmon.tracked.instances
//   otel COUNT      the same program with the OpenTelemetry SDK's in-memory exporter and .AddMeter("Heapmon"):
//                   prints every exported point of the Heapmon meter, then exits
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string mode = args.ElementAtOrDefault(0) ?? "hold";
int count = int.Parse(args.ElementAtOrDefault(1) ?? "4321", CultureInfo.InvariantCulture);

if (mode == "otel")
{
    var exported = new List<Metric>();
    using MeterProvider provider = Sdk.CreateMeterProviderBuilder()
        .AddMeter(HeapmonMeter.Name)              // .AddMeter("Heapmon"): nothing else to configure
        .AddInMemoryExporter(exported)
        .Build();
    using var tracker = new ClassTracker(ClassTrackerOptions.Default with { MaxSnapshots = 2 });
    tracker.TrackClass<Order>();
    Shop.Open(count);
    tracker.CreateSnapshot("orders placed");
    provider.ForceFlush();
    foreach (Metric metric in exported)
        foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
        {
            string tags = "";
            foreach (KeyValuePair<string, object?> tag in point.Tags) tags += $" {tag.Key}={tag.Value}";
            string value = metric.MetricType switch
            {
                MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
                MetricType.DoubleGauge => point.GetGaugeLastValueDouble().ToString("R", CultureInfo.InvariantCulture),
                MetricType.DoubleSumNonMonotonic or MetricType.DoubleSum => point.GetSumDouble().ToString("R", CultureInfo.InvariantCulture),
                MetricType.Histogram => $"count={point.GetHistogramCount()}",
                _ => "?",
            };
            Console.WriteLine($"point {metric.Name} unit={metric.Unit}{tags} value={value}");
        }
    return 0;
}

using (var tracker = new ClassTracker(ClassTrackerOptions.Default with { MaxSnapshots = 2 }))
{
    tracker.TrackClass<Order>();
    Shop.Open(count);
    tracker.StartPeriodicSnapshots(TimeSpan.FromSeconds(0.5));
    Console.WriteLine($"ready {Environment.ProcessId} orders={Shop.Count}");
    while (Console.ReadLine() is { } line && line.Trim() != "quit") { }
}
Console.WriteLine($"bye orders={Shop.Count}");
return 0;

namespace Heapmon.Samples.Metrics
{
    /// <summary>The class whose instances the metrics count.</summary>
    public sealed class Order(int id)
    {
        public int Id { get; } = id;
        public decimal Amount { get; } = id % 100;
    }

    /// <summary>Keeps the orders alive in a static list.</summary>
    public static class Shop
    {
        private static readonly List<Order> s_orders = [];

        public static int Count => s_orders.Count;

        public static void Open(int count)
        {
            for (int i = 0; i < count; i++) s_orders.Add(new Order(i));
        }
    }
}
