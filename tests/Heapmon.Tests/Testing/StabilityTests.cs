using Xunit.Abstractions;

namespace Heapmon.Tests.Testing;

/// <summary>
/// The memory assertions are deterministic: in a child process (quiet, so exact edges hold), each passing
/// assertion runs 200 times without one false failure and each leaking one fails every time, with tiered
/// compilation off, dynamic PGO off and under Server GC as well as by default.
/// </summary>
[Collection(HeapWalkCollection.Name)]
[Trait("Category", "Slow")]
public sealed class StabilityTests(ITestOutputHelper output)
{
    private const int PassingRuns = 200;
    private const int LeakingRuns = 10;

    public static TheoryData<string> Configurations => new()
    {
        "",
        "DOTNET_TieredCompilation=0",
        "DOTNET_TieredPGO=0",
        "DOTNET_gcServer=1;DOTNET_GCHeapCount=2",
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void PassingAssertionsNeverFailAndLeakingOnesAlwaysDo(string environment)
    {
        Dictionary<string, string?> env = environment.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => (string?)kv[1]);
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Tests.Stability"),
            ["loops", PassingRuns.ToString(System.Globalization.CultureInfo.InvariantCulture), LeakingRuns.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            env, TimeSpan.FromMinutes(5));
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        string[][] lines = [.. result.StdOut.Split('\n').Select(l => l.Split('|'))];
        Assert.Contains(lines, l => l[0] == "gc" && l[1] == $"server={environment.Contains("gcServer=1", StringComparison.Ordinal)}");

        Dictionary<string, string[]> checks = lines.Where(l => l[0] == "check").ToDictionary(l => l[1]);
        foreach (string name in new[] { "NoInstances", "NoSurvivors", "AllocatesAtSize", "DoesNotLeak", "DoesNotLeakWithinTolerance" })
            Assert.True(checks[name][2] == $"{PassingRuns}" && checks[name][3] == "0", $"{name}: {string.Join('|', checks[name])}");
        foreach (string name in new[] { "NoInstancesLeak", "NoSurvivorsLeak", "AllocatesOneByteUnder", "DoesNotLeakOneByteOver" })
            Assert.True(checks[name][2] == $"{LeakingRuns}" && checks[name][3] == $"{LeakingRuns}", $"{name}: {string.Join('|', checks[name])}");

        const string Root = "#1 is held by static Heapmon.Tests.Stability.Pool.s_idle → System.Collections.Generic.List<Heapmon.Tests.Stability.Connection>._items";
        Assert.Contains(Root, checks["NoInstancesLeak"][4]);
        Assert.Contains(Root, checks["NoSurvivorsLeak"][4]);
        Assert.StartsWith("allocated 1,024 bytes on this thread (expected at most 1,023: 1 over)", checks["AllocatesOneByteUnder"][4]);
        Assert.StartsWith("the heap kept 1,120 bytes more after 10 runs and 1,120 more after 10 more", checks["DoesNotLeakOneByteOver"][4]);
        Assert.Contains("+10 Heapmon.Tests.Stability.Connection (+240 bytes)", checks["DoesNotLeakOneByteOver"][4]);
    }
}
