using Heapmon.Cli;
using Heapmon.Model;

namespace Heapmon.Tests.Run;

/// <summary>`heapmon run` says what happened when nothing could be profiled, and tracks arrays, never value types.</summary>
public sealed class RunWarningsTests
{
    [Fact]
    public void ANativeProgramRunsButHeapmonSaysNothingWasProfiledAndLeavesNoMarker()
    {
        string temp = TestPaths.NewTempDirectory("run-native");
        try
        {
            ChildResult result = RunHarness.Heapmon(["run", "--", "sh", "-c", "echo native; exit 3"], environment: new Dictionary<string, string?> { ["TMPDIR"] = temp });

            Assert.Equal(3, result.ExitCode);
            Assert.Equal("native\n", result.StdOut);
            Assert.StartsWith("heapmon: warning: nothing was profiled: 'sh' never loaded Heapmon's startup hook. heapmon run profiles .NET programs", result.StdErr);
            Assert.Single(result.StdErr.TrimEnd('\n').Split('\n'));
            Assert.Empty(Directory.GetFileSystemEntries(temp));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Theory]
    [InlineData("/nonexistent/missing.dll")]
    [InlineData("dotnet", "missing.dll")]
    [InlineData("dotnet", "exec", "/nonexistent/missing.dll")]
    public void AMissingAssemblyIsRefusedWithExitCode127InsteadOfRunningTheSdk(params string[] command)
    {
        (int exit, string output, string error) = CliRunner.RunCli(["run", "--", .. command]);

        Assert.Equal(ExitCodes.CommandNotFound, exit);
        Assert.Equal("", output);
        Assert.Equal($"heapmon: error: cannot start '{string.Join(' ', command)}': {command[^1]} does not exist.\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void ByteArraysAreTrackedAPatternThatNamesOnlyValueTypesSaysSoAndQuietKeepsOnlyTheWarning()
    {
        string dir = TestPaths.NewTempDirectory("run-arrays");
        string dump = Path.Combine(dir, "x.json.gz");

        ChildResult result = RunHarness.Heapmon(["--quiet", "run", "--track", "byte[]", "--track", "System.DateTime*", "-o", dump, "--", RunHarness.Workload, "build", "2", "30"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        // The program's 60 files each hold a 64-byte array (88 bytes on the heap), besides the runtime's own.
        ClassSummary arrays = Assert.Single(RunHarness.LoadDump(dump).Snapshots[^1].Classes, c => c.ClassName == "System.Byte[]");
        Assert.InRange(arrays.Active, 60, 100_000);
        Assert.True(arrays.Total >= 60 * 88, $"{arrays.Total} bytes");
        Assert.Contains("heapmon: warning: --track 'System.DateTime*': System.DateTime is a value type: its values live inside other objects, not on the heap of their own; track the arrays ('System.DateTime[]') or the classes that hold them.", result.StdErr);
        Assert.DoesNotContain("nothing was profiled", result.StdErr);
        // --quiet reaches the program's session: the warning is printed, the "wrote" line is not.
        Assert.DoesNotContain("heapmon: wrote", result.StdErr);
        Assert.True(File.Exists(dump));
    }

    [Fact]
    public void AllocWithoutTrackPrintsTheTopLinesAndNoEmptyClassSummary()
    {
        ChildResult result = RunHarness.Heapmon(["run", "--alloc", "--", RunHarness.Workload, "build", "20", "100"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("heapmon: ", result.StdErr);
        Assert.Contains("Top 10 allocations per filename and line number", result.StdErr);
        Assert.DoesNotContain("SUMMARY", result.StdErr);
    }
}
