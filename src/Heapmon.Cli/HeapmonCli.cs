using System.CommandLine;
using System.CommandLine.Help;
using Heapmon.Cli.Commands;

namespace Heapmon.Cli;

/// <summary>The `heapmon` command line: parse, call the library, render (STYLE.md 10).</summary>
internal static class HeapmonCli
{
    /// <summary>Exit code for bad input: a bad file, option or argument.</summary>
    public const int UsageError = 2;

    /// <summary>Builds the root command with every subcommand.</summary>
    public static Command Build(CliContext context)
    {
        // A plain command named "heapmon" rather than RootCommand, whose name is the entry assembly's
        // (Heapmon.Cli): help and errors should name the command users type.
        var root = new Command("heapmon", "Heapmon: memory profiling for .NET (the .NET counterpart of Pympler's ClassTracker and tracemalloc).")
        {
            new HelpOption(),
            new VersionOption(),
        };
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
        return root;
    }

    /// <summary>Runs the command line; user errors print one line to stderr and return 2, never a stack trace.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CliContext(output, error);
        try
        {
            ParseResult parse = Build(context).Parse(args);
            if (parse.Errors.Count > 0)
            {
                // Parse errors, typo suggestions and the help that follows them go to stderr, with the usage exit code.
                parse.Invoke(new InvocationConfiguration { Output = error, Error = error, EnableDefaultExceptionHandler = false });
                return UsageError;
            }
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
            error.WriteLine($"heapmon: error: {e.Message}");
            return UsageError;
        }
    }
}

/// <summary>Where a command writes; tests pass string writers.</summary>
internal sealed record CliContext(TextWriter Output, TextWriter Error);

/// <summary>A bad option value or combination, reported as one line with exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
