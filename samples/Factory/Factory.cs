namespace Heapmon.Samples.Factory;

/// <summary>A worker (the seed's <c>class Employee</c>).</summary>
public sealed class Employee
{
    /// <summary>The name of the factory the worker is assigned to.</summary>
    public string? Assigned;
}

/// <summary>A factory with its employees (the seed's <c>class Factory</c>).</summary>
public sealed class Factory
{
    /// <summary>The factory's name.</summary>
    public string Name = "";

    /// <summary>Everyone working there.</summary>
    public List<Employee> Employees = [];
}

/// <summary>The seed's two functions.</summary>
public static class FactoryExample
{
    /// <summary>The seed's <c>create_factory</c>.</summary>
    public static Factory CreateFactory(string name = "Assembly Line Unlimited") => new() { Name = name, Employees = [] };

    /// <summary>The seed's <c>populate_factory</c>: hires <paramref name="count"/> workers.</summary>
    public static void PopulateFactory(Factory factory, int count = 1000)
    {
        for (int x = 0; x < count; x++)
        {
            var worker = new Employee { Assigned = factory.Name };
            factory.Employees.Add(worker);
        }
    }
}
