using Heapmon.Tests.Run;

namespace Heapmon.Tests;

/// <summary>A run of the tests leaves nothing behind in the temporary folder, child processes' files included.</summary>
[Trait("Category", "Slow")]
public sealed class TestTempTests
{
    [Fact]
    public void ARunOfATestClassLeavesTheTemporaryFolderEmpty()
    {
        // The nested run's TMPDIR is a folder of our own: whatever it holds afterwards, that run left behind.
        string tmp = TestPaths.NewTempDirectory("nested-tmp");
        var environment = new Dictionary<string, string?>(TinySolution.CleanBuildEnvironment) { ["TMPDIR"] = tmp };
        ChildResult result = ChildProcess.Run(ChildProcess.DotnetHost,
            ["test", TestPaths.Assembly("Heapmon.Tests"), "--filter", "FullyQualifiedName=Heapmon.Tests.Run.RunExitPathTests.OnlyTheLaunchedProcessIsProfiledItsChildrenInheritNothing", "--nologo"],
            environment, workingDirectory: tmp, timeout: TimeSpan.FromMinutes(4));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Passed:     1", result.StdOut);
        // The nested host's folder is removed by an rm it starts as it exits: give that a moment.
        string[] left = [];
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(20); Thread.Sleep(100))
        {
            left = [.. Directory.EnumerateFileSystemEntries(tmp, "*", SearchOption.AllDirectories).Select(e => Path.GetRelativePath(tmp, e))];
            if (left.All(e => e == "heapmon-tests")) break;
        }
        Assert.True(left.All(e => e == "heapmon-tests"), "left behind: " + string.Join(", ", left));
    }

    [Fact]
    public void ATestsFolderIsInsideThisProcesssOwnFolder()
    {
        string dir = TestPaths.NewTempDirectory("own");
        Assert.Equal(TestTemp.Root, Path.GetDirectoryName(dir));
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.GetFileName(TestTemp.Root));
    }
}
