using System.Globalization;
using Xunit.Abstractions;

namespace Heapmon.Tests.Heap;

/// <summary>
/// Discovery while four threads allocate and mutate at full speed, in a child process (a crash
/// must not take the test run with it): every returned object has the right type and consistent
/// fields, every live instance is found, and retries and abandoned attempts are reported.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class StressTests(ITestOutputHelper output)
{
    private const int Instances = 100_000;

    [Fact]
    public void DiscoveriesUnderLoadNeverReturnAWrongObject()
    {
        // 500 discoveries as the issue asks, but at most ~45 s of them: the CI machine is shared.
        // HEAPMON_STRESS_SECONDS raises the budget for a full run.
        string seconds = Environment.GetEnvironmentVariable("HEAPMON_STRESS_SECONDS") ?? "45";
        ChildResult result = ChildProcess.RunDotnet(
            TestPaths.Assembly("Heapmon.Tests.Target"), ["stress", "500", Instances.ToString(CultureInfo.InvariantCulture), seconds],
            timeout: TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture) + 120));
        Assert.True(result.ExitCode == 0, result.ToString());

        string[] s = result.StdOut.Split('\n').Single(l => l.StartsWith("stress|", StringComparison.Ordinal)).Split('|');
        int done = int.Parse(s[1], CultureInfo.InvariantCulture), succeeded = int.Parse(s[2], CultureInfo.InvariantCulture);
        int abandoned = int.Parse(s[3], CultureInfo.InvariantCulture), retries = int.Parse(s[4], CultureInfo.InvariantCulture);
        int wrong = int.Parse(s[5], CultureInfo.InvariantCulture);
        output.WriteLine(
            $"discoveries {done}, succeeded {succeeded}, abandoned {abandoned}, retries {retries}, wrong objects {wrong}, " +
            $"found {s[6]}..{s[7]} instances, median {s[8]} ms, wall {s[9]} s, mutators allocated {s[10]} MB/s, gen0 GCs {s[11]}");

        Assert.Equal(0, wrong);
        Assert.Equal(done, succeeded + abandoned);
        Assert.True(succeeded >= 1, "no discovery succeeded");
        // All 100,000 items are live at the walk's moment, so each success finds at least them
        // (plus items made after that moment, which are right too).
        Assert.True(long.Parse(s[6], CultureInfo.InvariantCulture) >= Instances, $"a discovery found only {s[6]} of {Instances} live items");
    }
}
