using Heapmon.Tracking;

namespace Heapmon.Demo;

/// <summary>A worker (<c>class Employee</c> in Pympler's ClassTracker documentation).</summary>
internal sealed class Employee
{
    public string? Assigned;
}

/// <summary>A factory with its employees (<c>class Factory</c> in Pympler's ClassTracker documentation).</summary>
internal sealed class Factory
{
    public string Name = "";
    public List<Employee> Employees = [];
}

/// <summary>
/// The built-in tracker demo that <c>heapmon demo</c> runs: the Employee/Factory example of Pympler's ClassTracker documentation, and
/// a factory that grows and shrinks over a dozen labelled snapshots. Each leaves its snapshots in the tracker.
/// </summary>
internal static class FactoryDemo
{
    /// <summary>Pympler's documented example: track the factory and the Employee class, snapshot, populate, snapshot.</summary>
    public static void DocumentationExample(ClassTracker tracker)
    {
        Factory factory = CreateFactory();
        tracker.TrackObject(factory);
        tracker.TrackClass<Employee>();
        tracker.CreateSnapshot();
        PopulateFactory(factory, 1000);
        tracker.CreateSnapshot();
        GC.KeepAlive(factory);
    }

    /// <summary>
    /// Twelve labelled snapshots: opened, five hiring rounds (1,000 × round each), four rounds of layoffs
    /// (half each), the list trimmed, the factory closed. Employees are found by class tracking; the
    /// factory's referent tree is recorded (level 1), so the list's growth shows in the report.
    /// </summary>
    public static void Workload(ClassTracker tracker)
    {
        Factory factory = CreateFactory();
        tracker.TrackObject(factory, resolutionLevel: 1, name: "factory");
        tracker.TrackClass<Employee>();
        tracker.CreateSnapshot("opened");
        for (int round = 1; round <= 5; round++)
        {
            PopulateFactory(factory, 1000 * round);
            tracker.CreateSnapshot($"hiring round {round}");
        }
        for (int round = 1; round <= 4; round++)
        {
            factory.Employees.RemoveRange(0, factory.Employees.Count / 2);
            tracker.CreateSnapshot($"layoffs {round}");
        }
        factory.Employees.TrimExcess();
        tracker.CreateSnapshot("trimmed");
        factory.Employees.Clear();
        factory.Employees.TrimExcess();
        tracker.CreateSnapshot("closed");
        GC.KeepAlive(factory);
    }

    private static Factory CreateFactory() => new() { Name = "Assembly Line Unlimited", Employees = [] };

    private static void PopulateFactory(Factory factory, int count)
    {
        for (int x = 0; x < count; x++) factory.Employees.Add(new Employee { Assigned = factory.Name });
    }
}
