using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Run;

/// <summary>The hook's dependencies live in their own load context: a host with its own copy of ClrMD keeps it.</summary>
public sealed class RunIsolationTests
{
    /// <summary>ClrMdHost from its own output folder (built with the tests, not copied next to them).</summary>
    private static string ClrMdHost
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = output.Parent!.Name;
            return Path.Combine(TestPaths.RepoRoot, "samples", "ClrMdHost", "bin", configuration, output.Name, "ClrMdHost.dll");
        }
    }

    [Fact]
    public void AHostWithItsOwnOlderClrMDKeepsItWhileHeapmonUsesItsOwn()
    {
        string dir = TestPaths.NewTempDirectory("run-conflict");
        string dump = Path.Combine(dir, "heap.json.gz");

        ChildResult result = RunHarness.Heapmon(["run", "--track", "ClrMdHost.*", "-o", dump, "--", ClrMdHost]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("host uses ClrMD 2.2.6.32302 (2.x API: True)", lines[0]);
        Assert.Contains("loaded 2.2.6.32302 in Default", lines);
        Assert.Contains("loaded 4.1.14.45802 in Heapmon", lines); // Heapmon's own, walking the heap for the start snapshot
        TrackerData data = RunHarness.LoadDump(dump);
        Assert.Equal(["ClrMdHost.Widget"], data.Classes.Select(c => c.ClassName));
        Assert.Equal(500, Assert.Single(data.Snapshots[^1].Classes).Active);
    }

    [Fact]
    public void TypesInAnAssemblyLoadedAfterStartAreTracked()
    {
        string dir = TestPaths.NewTempDirectory("run-late");
        string dump = Path.Combine(dir, "heap.json.gz");

        ChildResult result = RunHarness.Heapmon(["run", "--track", "ClrMdHost.Widget", "-o", dump, "--", RunHarness.Workload, "late", ClrMdHost, "ClrMdHost.Widget", "300"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("loaded ClrMdHost late and made 300 Widget\n", result.StdOut);
        TrackerData data = RunHarness.LoadDump(dump);
        Assert.Equal(["ClrMdHost.Widget"], data.Classes.Select(c => c.ClassName));
        Assert.Empty(data.Snapshots[0].Classes); // at start the assembly was not loaded yet: nothing to track
        Assert.Equal(300, Assert.Single(data.Snapshots[^1].Classes).Active);
        Assert.DoesNotContain("matched no type", result.StdErr);
    }
}
