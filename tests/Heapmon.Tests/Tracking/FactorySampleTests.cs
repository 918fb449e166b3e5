using System.Text.RegularExpressions;
using Heapmon.Model;
using Heapmon.Samples.Factory;
using Heapmon.Tracking;
using Heapmon.Demo;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Tracking;

/// <summary>Pympler's Employee/Factory example, run as the sample program, checked against ClrMD's size of an Employee.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class FactorySampleTests
{
    [Fact]
    public void SampleSummaryShowsThousandEmployeesOfTheClrMdSizeAfterPopulating()
    {
        long employee = EmployeeSize();
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Factory"), []);
        Assert.True(result.ExitCode == 0, result.ToString());

        string[] lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("---- SUMMARY ", lines[0]);
        Assert.Equal(79, lines[0].Length);
        string[] employeeLines = lines.Where(l => l.TrimStart().StartsWith("Heapmon.Samples.Factory.Employee ")).ToArray();
        string[] factoryLines = lines.Where(l => l.TrimStart().StartsWith("Heapmon.Samples.Factory.Factory ")).ToArray();
        Assert.Equal(2, employeeLines.Length);
        Assert.Equal(2, factoryLines.Length);
        Assert.Matches(@"^\s+Heapmon\.Samples\.Factory\.Employee\s+0\s+0\s+B\s+0\s+B\s+0%$", employeeLines[0]);
        string expected = $@"^\s+Heapmon\.Samples\.Factory\.Employee\s+1000 {Regex.Escape(ByteUnits.Aligned(1000 * employee).PadLeft(12))} {Regex.Escape(ByteUnits.Aligned(employee).PadLeft(12))}\s+\d+%$";
        Assert.Matches(expected, employeeLines[1]);
        Assert.Matches(@"^\s+Heapmon\.Samples\.Factory\.Factory\s+1\s", factoryLines[1]);
        Assert.Equal(2, lines.Count(l => l.Contains(" active ")));
    }

    [Fact]
    public void DemoWorkloadGrowsAndShrinksOverADozenLabelledSnapshots()
    {
        using var tracker = new ClassTracker();
        FactoryDemo.Workload(tracker);
        TrackerData data = tracker.ToData();
        string employee = typeof(Heapmon.Demo.Employee).FullName!;
        Assert.Equal(12, data.Snapshots.Count);
        Assert.All(data.Snapshots, s => Assert.False(string.IsNullOrEmpty(s.Description)));
        Assert.Equal([0, 1000, 3000, 6000, 10000, 15000, 7500, 3750, 1875, 938, 938, 0],
            data.Snapshots.Select(s => s.Classes.Single(c => c.ClassName == employee).Active));
        TrackedObjectRecord factory = data.Objects.Single(o => o.Name == "factory");
        long[] sizes = factory.Samples.Select(s => s.Size).ToArray();
        Assert.True(sizes[5] > sizes[0] && sizes[11] < sizes[9], string.Join(", ", sizes)); // grown by the list, shrunk when closed
        Assert.All(factory.Samples, s => Assert.NotNull(s.Referents));
        Assert.Equal(15000, data.Objects.Count(o => o.ClassName == employee));
        Assert.Equal(15000, data.Objects.Count(o => o.ClassName == employee && o.Death is not null)); // every one laid off died, and was seen to
    }

    private static long EmployeeSize()
    {
        string marker = "oracle " + Guid.NewGuid();
        var one = new Heapmon.Samples.Factory.Employee { Assigned = marker };
        GC.Collect();
        using var oracle = new ClrMdOracle();
        ClrObject found = TrackingOracle.FindByStringField(oracle, typeof(Heapmon.Samples.Factory.Employee).FullName!, nameof(Heapmon.Samples.Factory.Employee.Assigned), marker);
        GC.KeepAlive(one);
        return (long)oracle.AlignedSize(found.Address);
    }
}
