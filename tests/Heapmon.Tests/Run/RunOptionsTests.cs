using Heapmon.Stats;
using Heapmon.StartupHook;
using Heapmon.StartupHook.Session;

namespace Heapmon.Tests.Run;

public sealed class RunOptionsTests
{
    [Fact]
    public void OptionsSurviveTheTripThroughHEAPMONVariables()
    {
        var options = new RunOptions
        {
            Track = ["MyApp.Nodes.*", "*Node", "Exact.Name"],
            ResolutionLevel = 2,
            Trace = true,
            SnapshotAtStart = false,
            Interval = TimeSpan.FromSeconds(0.25),
            SnapshotOnSignal = true,
            Alloc = true,
            TracebackLimit = 5,
            Outputs = [StatsOutput.Parse("/tmp/a.html"), StatsOutput.Parse("/tmp/b.json.gz"), StatsOutput.Parse("/tmp/c.txt"), StatsOutput.Parse("/tmp/d.dat")],
            Garbage = "/tmp/leaks.dot",
        };
        IReadOnlyDictionary<string, string> variables = options.ToEnvironment();
        RunOptions back = RunOptions.FromEnvironment(variables);

        Assert.Equal(options.Track, back.Track);
        Assert.Equal(2, back.ResolutionLevel);
        Assert.True(back.Trace);
        Assert.False(back.SnapshotAtStart);
        Assert.True(back.SnapshotAtExit);
        Assert.Equal(TimeSpan.FromSeconds(0.25), back.Interval);
        Assert.True(back.SnapshotOnSignal);
        Assert.True(back.Alloc);
        Assert.Equal(5, back.TracebackLimit);
        Assert.Equal([StatsOutputKind.Html, StatsOutputKind.Dump, StatsOutputKind.Summary, StatsOutputKind.Dump], back.Outputs.Select(o => o.Kind));
        Assert.Equal(options.Outputs.Select(o => o.Path), back.Outputs.Select(o => o.Path));
        Assert.Equal("/tmp/leaks.dot", back.Garbage);
        Assert.Equal("0.25", variables["HEAPMON_INTERVAL"]);
        Assert.Equal("exit", variables["HEAPMON_SNAPSHOT_AT"]);
    }

    [Fact]
    public void DefaultsTakeSnapshotsAtStartAndExitOnly()
    {
        RunOptions options = RunOptions.FromEnvironment(new Dictionary<string, string> { ["HEAPMON_OUTPUT"] = "/tmp/x.txt" });
        Assert.True(options.SnapshotAtStart);
        Assert.True(options.SnapshotAtExit);
        Assert.Null(options.Interval);
        Assert.False(options.SnapshotOnSignal);
        Assert.Empty(options.Track);
    }

    [Theory]
    [InlineData("HEAPMON_INTERVAL", "0.x", "HEAPMON_INTERVAL: '0.x' is not a positive number of seconds.")]
    [InlineData("HEAPMON_INTERVAL", "-1", "HEAPMON_INTERVAL: '-1' is not a positive number of seconds.")]
    [InlineData("HEAPMON_RESOLUTION", "two", "HEAPMON_RESOLUTION: 'two' is not a whole number.")]
    [InlineData("HEAPMON_TRACE", "maybe", "HEAPMON_TRACE: 'maybe' is not 1 or 0.")]
    [InlineData("HEAPMON_SNAPSHOT_AT", "start,middle", "HEAPMON_SNAPSHOT_AT: 'middle' is not one of start, exit, none.")]
    [InlineData("HEAPMON_OUTPUT", "/tmp/x.csv", "--output '/tmp/x.csv': unknown kind of file; use .json.gz or .dat (stats dump), .html (report) or .txt (summary).")]
    [InlineData("HEAPMON_TRACK", "My App.*", "--track 'My App.*': ' ' cannot appear in a type name pattern.")]
    [InlineData("HEAPMON_TRACEBACK_LIMIT", "0", "--traceback-limit must be 1 or more, not 0.")]
    public void ABadVariableIsRefusedWithItsNameAndValue(string name, string value, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => RunOptions.FromEnvironment(new Dictionary<string, string> { [name] = value }));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ResolutionWithoutATrackedClassIsRefused()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new RunOptions { Trace = true }.Validate());
        Assert.Contains("--track", e.Message);
    }

    [Fact]
    public void TheHookBootstrapKnowsEveryVariableTheSessionReads()
    {
        // The bootstrap cannot reference the session (it must load nothing), so it keeps its own list.
        Assert.Equal(RunOptions.VariableNames, HookEnvironment.Names);
    }

    [Fact]
    public void TheHookAssemblyReferencesNothingButTheRuntime()
    {
        var references = typeof(HookEnvironment).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.True(name == "System.Runtime" || name.StartsWith("System.", StringComparison.Ordinal), name));
        Assert.DoesNotContain(references, name => name.StartsWith("Heapmon", StringComparison.Ordinal) || name.StartsWith("Microsoft.Diagnostics", StringComparison.Ordinal));
    }
}
