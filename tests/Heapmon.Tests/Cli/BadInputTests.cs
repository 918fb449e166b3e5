using Heapmon.Cli;
using Heapmon.Tests.Allocations;
using static Heapmon.Tests.CliRunner;

namespace Heapmon.Tests.Cli;

/// <summary>
/// The bad inputs a newcomer trips over, each refused before any work: the documented exit code,
/// one line on stderr (no stack trace, no temporary file name), nothing on stdout (the demo's
/// workload never ran), and no file left behind.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory("bad-input");

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_dir + "-bin")) Directory.Delete(_dir + "-bin", recursive: true);
    }

    [Theory]
    [InlineData("cannot write /nonexistent/x.json.gz: the folder /nonexistent does not exist", "demo", "-o", "/nonexistent/x.json.gz")]
    [InlineData("cannot write /nonexistent/g.dot: the folder /nonexistent does not exist", "garbage", "--demo", "-o", "/nonexistent/g.dot")]
    [InlineData("cannot write /nonexistent/x.html: the folder /nonexistent does not exist", "demo", "-o", "DIR/good.json.gz", "-o", "/nonexistent/x.html")]
    [InlineData("cannot write /proc/x.json.gz: the folder /proc is not writable (", "demo", "-o", "/proc/x.json.gz")]
    [InlineData("DIR/a.html is given twice as an output", "demo", "-o", "DIR/a.html", "-o", "DIR/a.html")]
    [InlineData("--output 'DIR/' names a folder, not a file", "demo", "-o", "DIR/")]
    [InlineData("cannot write DIR/sub.html: it is a folder; give a file name", "html", "GOOD_STATS", "-o", "DIR/sub.html")]
    [InlineData("--output 'DIR/x.xlsx': unknown kind of file", "demo", "-o", "DIR/x.xlsx")]
    [InlineData("DIR/nope.json: no such file", "alloc", "GOOD_ALLOC", "DIR/nope.json")]
    [InlineData("unknown option '--bogus'; see 'heapmon stats --help'", "stats", "--bogus", "GOOD_STATS")]
    [InlineData("--top takes a whole number, not 'abc'; see 'heapmon stats --help'", "stats", "--top", "abc", "GOOD_STATS")]
    [InlineData("cannot write /nonexistent/r.html: the folder /nonexistent does not exist", "html", "GOOD_STATS", "-o", "/nonexistent/r.html")]
    [InlineData("cannot write /nonexistent/x.html: the folder /nonexistent does not exist", "run", "-o", "/nonexistent/x.html", "--", "true")]
    [InlineData("unknown option '-c' (the program's own options go after --); see 'heapmon run --help'", "run", "-o", "DIR/x.html", "dotnet", "build", "-c", "Release")]
    [InlineData("unknown option '-f'; see 'heapmon alloc --help'", "alloc", "-f", "GOOD_ALLOC")]
    [InlineData("--graph: 'everything' is not one of cycles, retention; see 'heapmon garbage --help'", "garbage", "--demo", "--graph", "everything")]
    public void IsRefusedBeforeAnyWorkInOneLine(string message, params string[] args)
    {
        string goodStats = Path.Combine(_dir, "good.json.gz"), goodAlloc = Path.Combine(_dir, "good.json");
        new Heapmon.Stats.TrackerStats(Html.TrackerDataFixtures.Factory()).DumpStats(goodStats);
        SyntheticSnapshots.Exact().Write(goodAlloc);
        Directory.CreateDirectory(Path.Combine(_dir, "sub.html"));
        string[] inputs = [.. Directory.GetFiles(_dir).Order()];
        string Resolve(string a) => a.Replace("GOOD_STATS", goodStats).Replace("GOOD_ALLOC", goodAlloc).Replace("DIR", _dir);

        (int exit, string output, string error) = RunCli([.. args.Select(Resolve)]);

        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Equal("", output);
        Assert.StartsWith("heapmon: error: " + Resolve(message), error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain(".tmp", error);
        Assert.DoesNotContain("heapmon-probe", error);
        Assert.Equal(inputs, Directory.GetFiles(_dir).Order());
        Assert.Equal([Path.Combine(_dir, "sub.html")], Directory.GetDirectories(_dir));
    }

    [Fact]
    public void AGraphvizThatFailsAfterTheWorkIsOneLineWithoutTemporaryNamesAndSaysWhatWasWritten()
    {
        // A dot that fails and echoes the paths it was given, as Graphviz's own errors do.
        string bin = FakeDot("echo \"Error: $4: syntax error in line 1; cannot write $3\" >&2");
        string dot = Path.Combine(_dir, "g.dot"), svg = Path.Combine(_dir, "g.svg");

        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Cli"), ["garbage", "--demo", "-o", dot, "-o", svg],
            new Dictionary<string, string?> { ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") });

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        string[] lines = result.StdErr.TrimEnd('\n').Split('\n');
        Assert.Equal($"heapmon: wrote {dot} (", lines[0][..(lines[0].IndexOf('(') + 1)]);
        Assert.StartsWith($"heapmon: error: cannot write {svg}: Graphviz's dot could not render '{dot}' (exit 1): Error: {dot}: syntax error in line 1; cannot write {svg}; written: {dot}", lines[1]);
        Assert.Equal(2, lines.Length);
        Assert.Equal([dot], Directory.GetFiles(_dir));
    }

    [Fact]
    public void ATemporarySourceIsNotNamedEither()
    {
        string bin = FakeDot("echo \"Error: $4: syntax error\" >&2");
        string svg = Path.Combine(_dir, "g.svg");

        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Cli"), ["garbage", "--demo", "-o", svg],
            new Dictionary<string, string?> { ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") });

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"heapmon: error: cannot write {svg}: Graphviz's dot could not render the graph (exit 1): Error: the graph: syntax error; nothing was written\n", result.StdErr);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    /// <summary>A folder outside the test's own holding a <c>dot</c> that runs <paramref name="line"/> and fails.</summary>
    private string FakeDot(string line)
    {
        string bin = Path.Combine(_dir + "-bin");
        Directory.CreateDirectory(bin);
        string dot = Path.Combine(bin, "dot");
        File.WriteAllText(dot, $"#!/bin/sh\n{line}\nexit 1\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }
}
