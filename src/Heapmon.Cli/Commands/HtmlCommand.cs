using System.CommandLine;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>`heapmon html FILE -o report.html`: the HTML report of a stats file (Pympler: HtmlStats(filename=...).create_html).</summary>
internal static class HtmlCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A stats file written by DumpStats, `heapmon demo` or `heapmon run`." };
        var output = CliOptions.Output("The report to write; default: FILE with the extension .html.");
        var title = new Option<string?>("--title") { Description = "Title of the report; default: \"Heapmon report: \" and the process name.", HelpName = "TITLE" };
        var largest = CliOptions.WholeNumber("--largest", null, "N", "Largest instances listed per class.", HtmlStatsOptions.Default.LargestInstances);
        var trees = CliOptions.WholeNumber("--trees", null, "N", "Most referent trees (largest objects first).", HtmlStatsOptions.Default.MaxReferentTrees);
        var command = new Command("html", "Write one self-contained HTML report of a stats file: summary, time–space chart, a section per class, referent trees.")
        {
            file, output, title, largest, trees,
        };
        command.WithExamples(
            "heapmon html profile.json.gz -o report.html",
            "heapmon html profile.json.gz --title \"Nightly build\" --largest 50");
        command.SetAction((parse, cancellationToken) =>
        {
            string input = parse.GetValue(file)!;
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
}
