namespace Heapmon.Tests;

public sealed class ChildProcessTests
{
    [Fact]
    public void ExitCodeAndOutputOfAChildArePassedBack()
    {
        ChildResult result = ChildProcess.Run("/bin/sh", ["-c", "echo out; echo err >&2; exit 7"]);
        Assert.Equal(7, result.ExitCode);
        Assert.Equal("out\n", result.StdOut);
        Assert.Equal("err\n", result.StdErr);
    }

    [Fact]
    public void CliIsBuiltNextToTheTests()
    {
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Cli"), ["--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("size", result.StdOut);
    }
}
