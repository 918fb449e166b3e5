using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace Heapmon.Cli;

/// <summary>
/// Help in one layout for every command: a one-line description (so <c>heapmon --help</c> lists one
/// line per command), the options, then the command's runnable examples; the root adds the exit codes.
/// </summary>
internal static class CliHelp
{
    private static readonly ConditionalWeakTable<Command, string[]> s_examples = [];

    /// <summary>Adds runnable examples, printed after the options by <c>--help</c>.</summary>
    public static Command WithExamples(this Command command, params string[] examples)
    {
        s_examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples of <paramref name="command"/> (tests run each one's syntax through the parser).</summary>
    public static IReadOnlyList<string> ExamplesOf(Command command) => s_examples.TryGetValue(command, out string[]? e) ? e : [];

    /// <summary>Wraps the default help action of <paramref name="help"/> with the examples and exit codes.</summary>
    public static void Extend(System.CommandLine.Help.HelpOption help) =>
        help.Action = new ExtendedHelp((SynchronousCommandLineAction)help.Action!);

    /// <summary>Whether the parse asks for help (then a missing argument is no error).</summary>
    public static bool IsHelp(ParseResult parse) => parse.Action is ExtendedHelp;

    private sealed class ExtendedHelp(SynchronousCommandLineAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = help.Invoke(parseResult);
            TextWriter output = parseResult.InvocationConfiguration.Output;
            Command command = parseResult.CommandResult.Command;
            if (ExamplesOf(command) is { Count: > 0 } examples)
                output.Write("Examples:\n" + string.Concat(examples.Select(e => $"  {e}\n")) + "\n");
            if (parseResult.CommandResult.Parent is null)
                output.Write(ExitCodes.HelpSection + "\n");
            return code;
        }
    }
}
