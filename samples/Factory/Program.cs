// The seed's ClassTracker example (Pympler's "Usage" section), in C#:
//   dotnet run --project samples/Factory              the seed's two snapshots and their summary
//   dotnet run --project samples/Factory -- workload  a factory that grows and shrinks over a dozen snapshots
using Heapmon.Samples.Factory;
using Heapmon.Stats;
using Heapmon.Tracking;

bool workload = args.Contains("workload");
using var tracker = new ClassTracker();
if (workload)
{
    FactoryWorkload.Run(tracker);
}
else
{
    Factory factory = FactoryExample.CreateFactory();
    tracker.TrackObject(factory);
    tracker.TrackClass<Employee>();
    tracker.CreateSnapshot();
    FactoryExample.PopulateFactory(factory);
    tracker.CreateSnapshot();
    GC.KeepAlive(factory);
}
new ConsoleStats(tracker.Stats).PrintSummary();
