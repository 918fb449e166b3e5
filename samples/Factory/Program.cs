// The ClassTracker example of Pympler's documentation (its "Usage" section), in C#:
//   dotnet run --project samples/Factory
using Heapmon.Samples.Factory;
using Heapmon.Stats;
using Heapmon.Tracking;

Factory factory = FactoryExample.CreateFactory();
using var tracker = new ClassTracker();
tracker.TrackObject(factory);
tracker.TrackClass<Employee>();
tracker.CreateSnapshot();
FactoryExample.PopulateFactory(factory);
tracker.CreateSnapshot();
new ConsoleStats(tracker).PrintSummary(all: true);   // all: every class, as Pympler prints it, the empty one too
GC.KeepAlive(factory);
