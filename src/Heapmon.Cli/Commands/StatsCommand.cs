using System.CommandLine;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>`heapmon stats FILE`: sort, filter and print a stats dump (Pympler: ConsoleStats over a dump file).</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A stats file written by DumpStats or `heapmon demo`." };
        var sort = new Option<string[]>("--sort", "-s")
        {
            Description = $"Sort key, repeatable; later keys break ties: {string.Join(", ", Heapmon.Stats.TrackerStats.SortKeys)}.",
            HelpName = "KEY",
        };
        var limit = new Option<int?>("--limit", "-n") { Description = "Print at most N objects.", HelpName = "N" };
        var filter = new Option<string?>("--filter", "-f") { Description = "Only classes whose name contains PATTERN (or matches it, with *).", HelpName = "PATTERN" };
        var summary = new Option<bool>("--summary") { Description = "Print the per-snapshot class summary instead of per-object stats." };
        var command = new Command("stats", "Print a stats file: per-object sizes and referents, or the per-snapshot summary.\n\n"
            + "Examples:\n  heapmon stats profile.dat --summary\n  heapmon stats profile.dat --sort size --limit 10 --filter Node")
        {
            file, sort, limit, filter, summary,
        };
        command.SetAction(parse =>
        {
            string[] keys = [.. (parse.GetValue(sort) ?? []).SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
            int? max = parse.GetValue(limit);
            if (max < 0) throw new CliUsageException($"--limit must be 0 or more, not {max}");
            TrackerStats.CheckSortKeys(keys); // before loading: a bad key costs nothing
            Heapmon.Stats.TrackerStats loaded = Heapmon.Stats.TrackerStats.Load(parse.GetValue(file)!);

            // Render everything first: an error never leaves half a report on stdout.
            var buffer = new StringWriter { NewLine = "\n" };
            var stats = new ConsoleStats(loaded, buffer);
            if (keys.Length > 0) stats.SortStats(keys);
            if (parse.GetValue(summary)) stats.PrintSummary();
            else stats.PrintStats(max, parse.GetValue(filter));
            context.Output.Write(buffer.ToString());
            return 0;
        });
        return command;
    }
}
