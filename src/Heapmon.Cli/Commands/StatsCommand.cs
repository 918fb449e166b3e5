using System.CommandLine;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>`heapmon stats FILE`: sort, filter and print a stats dump (Pympler: ConsoleStats over a dump file).</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("FILE") { Description = "A stats file written by DumpStats, `heapmon demo` or `heapmon run`.", Arity = ArgumentArity.ZeroOrOne };
        var sort = new Option<string[]>("--sort", "-s")
        {
            Description = $"Sort key, repeatable; later keys break ties: {string.Join(", ", TrackerStats.SortKeys)}.",
            HelpName = "KEY",
        };
        var top = CliOptions.TopOrAll("Print at most N objects.");
        var filter = CliOptions.Filter("Only classes whose name contains PATTERN (or matches it, with *).");
        var summary = new Option<bool>("--summary") { Description = "Print the per-snapshot class summary instead of per-object stats." };
        var all = new Option<bool>("--all") { Description = "In the summary, list classes with no instances too (by default they are counted in one line)." };
        Option<string[]> compare = CompareOptions.Files();
        Option<string[]> label = CompareOptions.Label();
        var command = new Command("stats", "Print a stats file: per-object sizes and referents, or the per-snapshot summary; or compare two runs.")
        {
            file, sort, top, filter, summary, all, compare, label,
        };
        command.WithExamples(
            "heapmon stats profile.json.gz --summary",
            "heapmon stats profile.json.gz --summary --all",
            "heapmon stats profile.json.gz --sort size --top 10 --filter Node",
            "heapmon stats --compare before.json.gz after.json.gz --label populated");
        command.SetAction(parse =>
        {
            if (parse.GetValue(compare) is { Length: > 0 } pair)
            {
                if (parse.GetValue(file) is not null || parse.GetValue(summary) || parse.GetValue(all) || parse.GetValue(sort) is { Length: > 0 } || parse.GetValue(filter) is not null || parse.GetValue(top) is not null)
                    throw new CliUsageException("--compare prints its own table of two files: give it BEFORE and AFTER, with --label at most");
                CompareOptions.Run(pair, parse.GetValue(label), (comparison, before, after) => ComparisonReport.Write(comparison, context.Output, before, after));
                return 0;
            }
            if (parse.GetValue(label) is { Length: > 0 }) throw new CliUsageException("--label chooses the snapshots of --compare: add --compare BEFORE AFTER");
            if (parse.GetValue(file) is null) throw new CliUsageException("missing FILE; see 'heapmon stats --help'");
            string[] keys = [.. (parse.GetValue(sort) ?? []).SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
            TrackerStats.CheckSortKeys(keys); // before loading: a bad key costs nothing
            TrackerStats loaded = TrackerStats.Load(parse.GetValue(file)!);

            // Render everything first: an error never leaves half a report on stdout.
            var buffer = new StringWriter { NewLine = "\n" };
            var stats = new ConsoleStats(loaded, buffer);
            if (keys.Length > 0) stats.SortStats(keys);
            if (parse.GetValue(all) && !parse.GetValue(summary)) throw new CliUsageException("--all applies to the summary: add --summary");
            if (parse.GetValue(summary)) stats.PrintSummary(parse.GetValue(all));
            else stats.PrintStats(parse.GetValue(top), parse.GetValue(filter));
            context.Output.Write(buffer.ToString());
            return 0;
        });
        return command;
    }
}
