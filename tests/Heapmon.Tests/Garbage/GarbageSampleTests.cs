namespace Heapmon.Tests.Garbage;

/// <summary>samples/Garbage, Pympler's "Breaking Reference Cycles" tutorial, run as users run it.</summary>
public sealed class GarbageSampleTests
{
    [Fact]
    public void TheTutorialFindsTheDocumentCycleTheLeakAndNoCycleAfterTheFix()
    {
        string dir = TestPaths.NewTempDirectory("tutorial");
        string dot = Path.Combine(dir, "leakgraph.dot");
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Garbage"), ["tutorial", dot]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] sections = result.StdOut.Split("== ");
        // Document, its List, the List's array and three sections form one cycle.
        Assert.Contains("1 reference cycle among 6 objects", sections[1]);
        Assert.Contains("1. static GarbageSample.Settings.Changed  [StaticField]", sections[2]);
        Assert.Contains(".section -> GarbageSample.Section (\"Tracking Garbage\")", sections[2]);
        Assert.Contains("0 reference cycles among", sections[3]);
        Assert.Contains("subgraph cluster_0", File.ReadAllText(dot));
    }
}
