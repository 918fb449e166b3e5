using System.Text.Json;

namespace Heapmon.Tests.Garbage;

/// <summary>Runs samples/Garbage in a child process and reads the JSON report it prints last.</summary>
internal static class GarbageSampleRun
{
    public static T Json<T>(params string[] args)
    {
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Garbage"), args);
        Assert.True(result.ExitCode == 0, result.ToString());
        // createdump prints its own progress lines on stdout; the report is the last line.
        string json = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<T>(json) ?? throw new InvalidOperationException("empty report\n" + result);
    }
}
