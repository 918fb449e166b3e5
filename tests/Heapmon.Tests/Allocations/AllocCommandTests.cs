using Heapmon.Allocations;
using Heapmon.Cli;
using static Heapmon.Tests.Allocations.SyntheticSnapshots;

namespace Heapmon.Tests.Allocations;

/// <summary>`heapmon alloc` on written snapshot files: every option, and bad input.</summary>
public sealed class AllocCommandTests
{
    private readonly string _dir = TestPaths.NewTempDirectory("alloc-cli");

    private string Write(string name, AllocationSnapshot snapshot)
    {
        string path = Path.Combine(_dir, name);
        snapshot.Write(path);
        return path;
    }

    private string First => Write("first.json", Exact());
    private string Second => Write("second.json", Exact(Clock.AddMinutes(1), scale: 2));
    private string Third => Write("third.json", Exact(Clock.AddMinutes(2), scale: 3));
    private string StatsOnly => Write("stats.json", Make(Exact().Traces!, keepTraces: false));

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int exit = HeapmonCli.Run(["alloc", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs with NO_COLOR=1.</summary>
    private static string WithNoColorVariable(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int exit = HeapmonCli.Run(["alloc", .. args], output, error, name => name == "NO_COLOR" ? "1" : null);
        Assert.True(exit == 0, error.ToString());
        return output.ToString();
    }

    private static string Ok(params string[] args)
    {
        (int exit, string output, string error) = Run(args);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Equal("", error);
        return output;
    }

    [Fact]
    public void DefaultIsTheTop10LinesWithMetrics()
    {
        string text = Ok(First);
        Assert.StartsWith("2026-03-01 12:30:45: Top 10 allocations per filename and line number\n#1: .../app/data/Cache.cs:33: size=16.0 MiB, count=2, average=8192 KiB\n", text);
        Assert.Contains("\nprocess_memory.rss: 828 MiB\n", text);
    }

    [Fact]
    public void AddressGroupsBySampledObject() => Assert.Contains("per address\n#1: memory block 0x2001 (System.Int64[]): size=8192 KiB", Ok("-a", First));

    [Fact]
    public void FileGroupsByFile() => Assert.Contains("per filename\n#1: .../app/data/Loader.cs: size=16.0 MiB, count=4", Ok("--file", First));

    [Fact]
    public void TypeGroupsByAllocatedType() => Assert.Contains("per type\n#1: System.Byte[]: size=16.0 MiB, count=4", Ok("--type", First));

    [Fact]
    public void NumberLimitsTheTop() => Assert.Contains("Top 1 allocations per filename and line number\n#1: .../app/data/Cache.cs:33: size=16.0 MiB, count=2, average=8192 KiB\n2 more: size=16.0 MiB, count=4", Ok("-n", "1", First));

    [Fact]
    public void SeveralFilesAreComparedEachWithThePrevious()
    {
        string text = Ok("-M", First, Second, Third);
        Assert.Contains("12:30:45: Top 10 allocations per filename and line number\n", text);
        Assert.Contains("12:31:45: Top 10 allocations per filename and line number (compared to 2026-03-01 12:30:45)\n#1: .../app/data/Loader.cs:120: size=24.0 MiB (+12.0 MiB), count=6 (+3)", text);
        Assert.Contains("12:32:45: Top 10 allocations per filename and line number (compared to 2026-03-01 12:31:45)\n#1: .../app/data/Loader.cs:120: size=36.0 MiB (+12.0 MiB), count=9 (+3)", text);
    }

    [Fact]
    public void FirstComparesEveryFileWithTheFirst()
    {
        string text = Ok("--first", "-M", First, Second, Third);
        Assert.Contains("12:32:45: Top 10 allocations per filename and line number (compared to 2026-03-01 12:30:45)\n#1: .../app/data/Loader.cs:120: size=36.0 MiB (+24.0 MiB), count=9 (+6)", text);
    }

    [Fact]
    public void CumulativeCountsCallersToo() =>
        Assert.Contains("Cumulative top 1 allocations per filename and line number\n#1: .../src/app/Program.cs:10: size=16.0 MiB, count=4", Ok("-c", "-n", "1", First));

    [Fact]
    public void BlockShowsOneSampleWithItsTraceback()
    {
        Assert.Equal("Memory block 0x2001: size=8192 KiB, type=System.Int64[]\n  at App.Work in .../app/data/Cache.cs:33\n  at App.Main in .../src/app/Program.cs:11\n", Ok("-b", "0x2001", First));
        Assert.Equal("Memory block 0x2001: size=8192 KiB, type=System.Int64[]\n  at App.Work in .../app/data/Cache.cs:33\n  at App.Main in .../src/app/Program.cs:11\n", Ok("--block", "8193", First));
        Assert.Equal("Memory block 0x99: not found (no sample at this address)\n", Ok("-b", "0x99", First));
    }

    [Fact]
    public void TracebackShowsTheBiggestSamplesWithTheirFrames()
    {
        string text = Ok("--traceback", "-n", "2", First);
        Assert.Equal("""
            2026-03-01 12:30:45: Top 2 allocations per address, with tracebacks
            #1: memory block 0x2000: size=8192 KiB (System.Int64[])
              at App.Work in .../app/data/Cache.cs:33
              at App.Main in .../src/app/Program.cs:11
            #2: memory block 0x2001: size=8192 KiB (System.Int64[])
              at App.Work in .../app/data/Cache.cs:33
              at App.Main in .../src/app/Program.cs:11
            4 more samples


            """.Replace("\r", ""), text);
    }

    [Fact]
    public void IncludeKeepsMatchingMostRecentFramesWithOptionalLine()
    {
        string text = Ok("-i", "*Loader.cs", "-M", First);
        Assert.Contains("Loader.cs:120", text);
        Assert.DoesNotContain("Cache.cs", text);
        string line7 = Ok("--include", "*Loader.cs:7", "-M", First);
        Assert.Contains("#1: .../app/data/Loader.cs:7:", line7);
        Assert.DoesNotContain("Loader.cs:120", line7);
        string both = Ok("-i", "*Loader.cs:7", "-i", "*Cache.cs", "-M", First);
        Assert.Contains("Loader.cs:7", both);
        Assert.Contains("Cache.cs:33", both);
    }

    [Fact]
    public void IncludeTracebackMatchesAnyFrame()
    {
        string text = Ok("-I", "*Program.cs:11", "-M", First);
        Assert.Contains("Cache.cs:33", text);
        Assert.DoesNotContain("Loader.cs", text);
        Assert.Contains("Top 10 allocations per filename and line number\nTraced", Ok("-i", "*Program.cs:11", "-M", First)); // most recent frame only: nothing
    }

    [Fact]
    public void ExcludeDropsMatchingMostRecentFrames()
    {
        string text = Ok("-x", "*Cache.cs", "-M", First);
        Assert.DoesNotContain("Cache.cs", text);
        Assert.Contains("Loader.cs:120", text);
        Assert.Contains("Loader.cs:7", Ok("--exclude", "*Loader.cs:120", "-M", First));
        Assert.DoesNotContain("Loader.cs:120", Ok("--exclude", "*Loader.cs:120", "-M", First));
    }

    [Fact]
    public void ExcludeTracebackDropsOnAnyFrame()
    {
        string text = Ok("-X", "*Program.cs:10", "-M", First);
        Assert.Contains("Cache.cs:33", text);
        Assert.DoesNotContain("Loader.cs", text);
    }

    [Fact]
    public void HideOptionsRemoveTheirFigure()
    {
        Assert.DoesNotContain("size=", Ok("-S", First));
        Assert.DoesNotContain("count=", Ok("-C", First));
        Assert.DoesNotContain("average=", Ok("-A", First));
        Assert.DoesNotContain("process_memory", Ok("-M", First));
        Assert.Contains("#1: .../app/data/Cache.cs:33: size=16.0 MiB\n", Ok("--hide-count", "--hide-average", "--hide-metrics", First));
        Assert.Contains("#1: .../app/data/Cache.cs:33: count=2, average=8192 KiB\n", Ok("--hide-size", First));
    }

    [Fact]
    public void FilenamePartsShortenPaths()
    {
        Assert.Contains("#1: .../Cache.cs:33:", Ok("-P", "1", First));
        Assert.Contains("#1: /src/app/data/Cache.cs:33:", Ok("--filename-parts", "0", First));
    }

    [Fact]
    public void ColorOptionsAndNOCOLOR()
    {
        Assert.Contains("\e[1;36m.../app/data/Cache.cs:33\e[0m", Ok("--color", First));
        Assert.DoesNotContain("\e[", Ok("--no-color", First));
        Assert.DoesNotContain("\e[", Ok(First));
        // NO_COLOR turns colour off; --color, a choice made on the command line, overrides it (no-color.org).
        Assert.Contains("\e[1;36m", WithNoColorVariable("--color", First));
        Assert.DoesNotContain("\e[", WithNoColorVariable(First));
    }

    [Theory]
    [InlineData("no such file", "/nonexistent/snap.json")]
    [InlineData("Choose one of --address, --file, --type and --traceback", "-a", "--file", "FIRST")]
    [InlineData("--color and --no-color contradict", "--color", "--no-color", "FIRST")]
    [InlineData("is not an address", "-b", "zz", "FIRST")]
    [InlineData("--top must be 0 or more, not -1", "-n", "-1", "FIRST")]
    [InlineData("unknown option '-f'", "-f", "FIRST")]
    [InlineData("unknown option '--number' (did you mean '--top'?)", "--number", "3", "FIRST")]
    [InlineData("this snapshot has no traces", "-a", "STATS")]
    [InlineData("this snapshot has no traces", "-I", "*x.cs", "STATS")]
    public void BadInputIsOneLineOnStderrAndExitCode2(string message, params string[] args)
    {
        string[] resolved = [.. args.Select(a => a == "FIRST" ? First : a == "STATS" ? StatsOnly : a)];
        (int exit, string output, string error) = Run(resolved);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("heapmon: error: ", error);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void ACorruptFileAmongSeveralIsNamed()
    {
        string bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{\"format\":\"heapmon-allocations\",\"version\":1,");
        (int exit, _, string error) = Run(First, bad);
        Assert.Equal(2, exit);
        Assert.Contains(bad, error);
    }
}
