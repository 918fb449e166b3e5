namespace Heapmon.Samples.Factory;

/// <summary>A worker (<c>class Employee</c> in Pympler's ClassTracker documentation).</summary>
public sealed class Employee
{
    /// <summary>The name of the factory the worker is assigned to.</summary>
    public string? Assigned;
}

/// <summary>A factory with its employees (<c>class Factory</c> in Pympler's ClassTracker documentation).</summary>
public sealed class Factory
{
    /// <summary>The factory's name.</summary>
    public string Name = "";

    /// <summary>Everyone working there.</summary>
    public List<Employee> Employees = [];
}

/// <summary>The two functions of Pympler's example.</summary>
public static class FactoryExample
{
    /// <summary>Pympler's <c>create_factory</c>.</summary>
    public static Factory CreateFactory(string name = "Assembly Line Unlimited") => new() { Name = name, Employees = [] };

    /// <summary>Pympler's <c>populate_factory</c>: hires <paramref name="count"/> workers.</summary>
    public static void PopulateFactory(Factory factory, int count = 1000)
    {
        for (int x = 0; x < count; x++)
        {
            var worker = new Employee { Assigned = factory.Name };
            factory.Employees.Add(worker);
        }
    }
}
