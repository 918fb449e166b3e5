using Heapmon.Cli;

namespace Heapmon.Tests.Run;

/// <summary>`heapmon run` checks its options before anything starts: one clear line, exit code 2.</summary>
public sealed class RunCommandTests
{
    private static (int Code, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = HeapmonCli.Run(args, output, error);
        return (code, error.ToString().Trim());
    }

    [Theory]
    [InlineData(new[] { "run", "-o", "x.csv", "--", "true" }, "--output 'x.csv': unknown kind of file; use .json.gz or .dat (stats dump), .html (report) or .txt (summary).")]
    [InlineData(new[] { "run", "--traceback-limit", "5", "--", "true" }, "--traceback-limit applies to the allocation tracer: add --alloc.")]
    [InlineData(new[] { "run", "--trace", "--", "true" }, "--resolution and --trace apply to tracked classes: add --track PATTERN.")]
    [InlineData(new[] { "run", "--snapshot-at", "later", "--", "true" }, "--snapshot-at 'later': expected start, exit, both or none.")]
    [InlineData(new[] { "run", "--interval", "0", "--", "true" }, "--interval must be a positive number of seconds, not '0'; see 'heapmon run --help'")]
    [InlineData(new[] { "run", "--track", "Foo Bar", "--", "true" }, "--track 'Foo Bar': ' ' cannot appear in a type name pattern.")]
    [InlineData(new[] { "run", "--garbage", "leaks.png", "--track", "A", "--", "true" }, "--garbage writes a Graphviz file: give it a .dot (or .txt) name, not 'leaks.png'.")]
    [InlineData(new[] { "run", "-o", "/no/such/folder/x.html", "--", "true" }, "cannot write /no/such/folder/x.html: the folder /no/such/folder does not exist")]
    public void Bad_options_are_refused_before_the_program_starts(string[] args, string message)
    {
        (int code, string error) = Run(args);
        Assert.Equal(HeapmonCli.UsageError, code);
        Assert.Equal("heapmon: error: " + message, error);
    }

    [Fact]
    public void AReadOnlyOutputFolderIsRefusedBeforeTheProgramStarts()
    {
        // /proc refuses new files even to root, unlike a folder without write permission.
        (int code, string error) = Run("run", "-o", "/proc/x.html", "--", "true");
        Assert.Equal(HeapmonCli.UsageError, code);
        Assert.StartsWith("heapmon: error: cannot write /proc/x.html: the folder /proc is not writable (", error);
    }

    [Fact]
    public void ACommandIsRequired()
    {
        (int code, _) = Run("run", "--track", "A");
        Assert.NotEqual(0, code);
    }
}
