using System.CommandLine;
using System.CommandLine.Help;
using Heapmon.Cli.Commands;
using Heapmon.Heap;

namespace Heapmon.Cli;

/// <summary>The `heapmon` command line: parse, call the library, render.</summary>
internal static class HeapmonCli
{
    /// <summary>Exit code for bad input: a bad file, option or argument (<see cref="ExitCodes.UsageError"/>).</summary>
    public const int UsageError = ExitCodes.UsageError;

    /// <summary>Builds the root command with every subcommand and the global options.</summary>
    /// <remarks>
    /// A new command is one file, Commands/NameCommand.cs, with <c>Create(CliContext)</c>, added below. It takes
    /// its shared options from <see cref="CliOptions"/>, gives examples with <see cref="CliHelp.WithExamples"/>,
    /// checks every output with <see cref="OutputFiles.Check"/> before any work and writes them with
    /// <see cref="OutputFiles.WriteAll"/> (one "wrote" line each); bad input throws <see cref="CliUsageException"/>
    /// (exit 2), a failure after the work <see cref="CliFailureException"/> (exit 1); see <see cref="ExitCodes"/>.
    /// </remarks>
    public static Command Build(CliContext context) => Build(context, out _, out _);

    private static Command Build(CliContext context, out Option<bool> quiet, out Option<bool> noColor)
    {
        // A plain command named "heapmon" rather than RootCommand, whose name is the entry assembly's
        // (Heapmon.Cli): help and errors should name the command users type.
        var help = new HelpOption();
        CliHelp.Extend(help);
        quiet = CliOptions.Quiet();
        noColor = CliOptions.NoColor();
        var root = new Command("heapmon", "Heapmon: memory profiling for .NET (the .NET counterpart of Pympler's ClassTracker, the Heapmonitor and tracemalloc).")
        {
            help, new VersionOption(), quiet, noColor,
        };
        root.WithExamples(
            "heapmon demo                                   the ClassTracker demo: summaries, a stats dump, an HTML report",
            "heapmon run --track 'MyApp.*' -o heap.html -- dotnet MyApp.dll",
            "heapmon stats heap.json.gz --summary",
            "heapmon <command> --help                       a command's options and examples");
        // One line per command; each command lives in Commands/<Name>Command.cs.
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(SizeCommand.Create(context));
        root.Subcommands.Add(StatsCommand.Create(context));
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(HtmlCommand.Create(context));
        root.Subcommands.Add(AllocCommand.Create(context));
        root.Subcommands.Add(GarbageCommand.Create(context));
        root.Subcommands.Add(CensusCommand.Create(context));
        root.Subcommands.Add(HeapCommand.Create(context));
        root.Subcommands.Add(PsCommand.Create(context));
        root.Subcommands.Add(TrackCommand.Create(context));
        root.Subcommands.Add(SnapshotCommand.Create(context));
        root.Subcommands.Add(MonitorCommand.Create(context));
        return root;
    }

    /// <summary>Runs the command line; errors print one line to stderr with a documented exit code, never a stack trace.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        var context = new CliContext(output, error, environment);
        Command root = Build(context, out Option<bool> quiet, out Option<bool> noColor);
        ParseResult parse = root.Parse(args);
        if (!CliHelp.IsHelp(parse) && ParseErrors.Find(parse) is { } mistake)
        {
            error.WriteLine($"heapmon: error: {mistake}");
            return ExitCodes.UsageError;
        }
        context.Configure(parse, quiet, noColor);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Attach.AttachException e)
        {
            // Reaching another process failed: each reason has its own code (docs/attach.md).
            error.WriteLine($"heapmon: error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is HeapmonFormatException or CliUsageException or ArgumentException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            error.WriteLine($"heapmon: error: {OneLine(e.Message)}");
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is CliFailureException or HeapWalkException)
        {
            error.WriteLine($"heapmon: error: {OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
    }

    private static string OneLine(string message) =>
        OutputFiles.WithoutTempNames(string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));

}
