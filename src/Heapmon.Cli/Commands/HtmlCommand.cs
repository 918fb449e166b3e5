using System.CommandLine;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>`heapmon html FILE -o report.html`: the HTML report of a stats file (Pympler: HtmlStats(filename=...).create_html).</summary>
internal static class HtmlCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string?>("FILE") { Description = "A stats file written by DumpStats, `heapmon demo` or `heapmon run`.", Arity = ArgumentArity.ZeroOrOne };
        var output = CliOptions.Output("The report to write; default: FILE with the extension .html.");
        var title = new Option<string?>("--title") { Description = "Title of the report; default: \"Heapmon report: \" and the process name.", HelpName = "TITLE" };
        var largest = CliOptions.WholeNumber("--largest", null, "N", "Largest instances listed per class.", HtmlStatsOptions.Default.LargestInstances);
        var trees = CliOptions.WholeNumber("--trees", null, "N", "Most referent trees (largest objects first).", HtmlStatsOptions.Default.MaxReferentTrees);
        Option<string[]> compare = CompareOptions.Files();
        Option<string[]> label = CompareOptions.Label();
        var command = new Command("html", "Write one self-contained HTML report of a stats file: summary, time–space chart, a section per class, referent trees.")
        {
            file, output, title, largest, trees, compare, label,
        };
        command.WithExamples(
            "heapmon html profile.json.gz -o report.html",
            "heapmon html profile.json.gz --title \"Nightly build\" --largest 50",
            "heapmon html --compare before.json.gz after.json.gz -o compare.html");
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(compare) is { Length: > 0 } pair) return Task.FromResult(Compare(context, parse, pair, parse.GetValue(output), parse.GetValue(label)));
            if (parse.GetValue(label) is { Length: > 0 }) throw new CliUsageException("--label chooses the snapshots of --compare: add --compare BEFORE AFTER");
            string input = parse.GetValue(file) ?? throw new CliUsageException("missing FILE; see 'heapmon html --help'");
            string target = parse.GetValue(output) ?? Path.ChangeExtension(input, ".html");
            if (string.Equals(Path.GetFullPath(target), Path.GetFullPath(input), StringComparison.Ordinal))
                throw new CliUsageException($"the report would overwrite its own input {input}; choose another name with -o");
            OutputFiles.Check([target]); // before loading: a bad option or folder costs nothing
            var options = new HtmlStatsOptions { Title = parse.GetValue(title), LargestInstances = parse.GetValue(largest), MaxReferentTrees = parse.GetValue(trees) };

            HtmlStats report = HtmlStats.Load(input, options);
            OutputFiles.WriteAll(context, [(target, () => report.CreateHtml(target, cancellationToken))]);
            return Task.FromResult(0);
        });
        return command;
    }

    private static int Compare(CliContext context, ParseResult parse, string[] pair, string? target, string[]? labels)
    {
        if (parse.GetResult(parse.CommandResult.Command.Arguments[0]) is { Tokens.Count: > 0 })
            throw new CliUsageException("--compare takes its two files itself: leave out FILE");
        if (target is null) throw new CliUsageException("--compare needs the report's name: add -o compare.html");
        if (pair.Any(p => string.Equals(Path.GetFullPath(target), Path.GetFullPath(p), StringComparison.Ordinal)))
            throw new CliUsageException($"the report would overwrite its own input {target}; choose another name with -o");
        OutputFiles.Check([target]);
        CompareOptions.Run(pair, labels, (comparison, before, after) =>
            OutputFiles.WriteAll(context, [(target, () => ComparisonReport.CreateHtml(comparison, target, before, after))]));
        return 0;
    }
}
