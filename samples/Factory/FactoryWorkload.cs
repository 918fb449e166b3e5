using Heapmon.Tracking;

namespace Heapmon.Samples.Factory;

/// <summary>A factory that grows and shrinks over a dozen labelled snapshots: hiring, layoffs, a rebuild.</summary>
public static class FactoryWorkload
{
    /// <summary>Runs the workload under <paramref name="tracker"/>, taking twelve labelled snapshots.</summary>
    public static void Run(ClassTracker tracker)
    {
        Factory factory = FactoryExample.CreateFactory();
        tracker.TrackObject(factory, resolutionLevel: 1);
        tracker.TrackClass<Employee>();
        tracker.CreateSnapshot("opened");
        for (int round = 1; round <= 5; round++)
        {
            FactoryExample.PopulateFactory(factory, 1000 * round);
            tracker.CreateSnapshot($"hiring round {round}");
        }
        for (int round = 1; round <= 4; round++)
        {
            factory.Employees.RemoveRange(0, factory.Employees.Count / 2);
            GC.Collect();
            tracker.CreateSnapshot($"layoffs {round}");
        }
        factory.Employees.TrimExcess();
        tracker.CreateSnapshot("trimmed");
        factory.Employees = [];
        GC.Collect();
        tracker.CreateSnapshot("closed");
        GC.KeepAlive(factory);
    }
}
