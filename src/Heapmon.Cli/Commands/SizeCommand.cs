using System.CommandLine;

namespace Heapmon.Cli.Commands;

/// <summary>`heapmon size --demo`: the per-referent size tree of a demo graph (Pympler: asized).</summary>
internal static class SizeCommand
{
    public static Command Create(CliContext context)
    {
        var demo = new Option<bool>("--demo") { Description = "Size the built-in demo graph." };
        var command = new Command("size", "Print the per-referent size tree of an object graph.") { demo };
        command.SetAction(parse =>
        {
            context.Output.WriteLine("size: not implemented yet");
            return 0;
        });
        return command;
    }
}
