using Heapmon.Tests.Run;

namespace Heapmon.Tests.Attach;

/// <summary>samples/Attach run as its header says: the census counts the leak exactly, before and after it grows, and garbage names the static cache.</summary>
[Collection(AttachCollection.Name)]
public sealed class AttachSampleTests
{
    private const string OrderType = "Heapmon.Samples.Attach.Order";

    [Fact]
    public void TheSamplesCommandsFindTheLeakAndWhoHoldsIt()
    {
        using RunningProgram program = RunningProgram.Start(
            [ChildProcess.DotnetHost, "exec", TestPaths.Assembly("Heapmon.Samples.Attach"), "3210"], "ready ");
        string pid = program.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);

        ChildResult before = AttachHarness.Heapmon("census", "--pid", pid, "--top", "200");
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Equal(3210, AttachHarness.CensusCount(before.StdOut, OrderType));

        program.Send("add 789");
        program.WaitForLine("orders=3999", TimeSpan.FromSeconds(30));
        ChildResult after = AttachHarness.Heapmon("census", "--pid", pid, "--top", "200");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(3999, AttachHarness.CensusCount(after.StdOut, OrderType));

        ChildResult garbage = AttachHarness.Heapmon("garbage", "--pid", pid, "--type", "Order", "--paths", "1");
        Assert.True(garbage.ExitCode == 0, garbage.ToString());
        Assert.Contains($"== 3,999 instances of {OrderType}", garbage.StdOut);
        Assert.Contains("static Heapmon.Samples.Attach.OrderCache.s_orders", garbage.StdOut);
        Assert.Equal(0, program.Quit());
    }
}
