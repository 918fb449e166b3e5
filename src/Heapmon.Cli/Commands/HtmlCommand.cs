using System.CommandLine;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>`heapmon html FILE -o report.html`: the HTML report of a stats file (Pympler: HtmlStats(filename=...).create_html).</summary>
internal static class HtmlCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A stats file written by DumpStats (or by `heapmon run`)." };
        var output = new Option<string?>("--output", "-o") { Description = "The report to write; default: FILE with the extension .html." };
        var title = new Option<string?>("--title") { Description = "Title of the report; default: \"Heapmon report: \" and the process name." };
        var largest = new Option<int>("--largest") { Description = "Largest instances listed per class.", DefaultValueFactory = _ => HtmlStatsOptions.Default.LargestInstances };
        var trees = new Option<int>("--trees") { Description = "Most referent trees (largest objects first).", DefaultValueFactory = _ => HtmlStatsOptions.Default.MaxReferentTrees };
        var command = new Command("html", "Write one self-contained HTML report of a stats file: summary, time–space chart, a section per class, referent trees.\n\n"
            + "Examples:\n  heapmon html profile.dat -o report.html\n  heapmon html profile.dat --title \"Nightly build\" --largest 50")
        {
            file, output, title, largest, trees,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string input = parse.GetValue(file)!;
            string target = parse.GetValue(output) ?? Path.ChangeExtension(input, ".html");
            if (string.Equals(Path.GetFullPath(target), Path.GetFullPath(input), StringComparison.Ordinal))
                throw new CliUsageException($"the report would overwrite its own input {input}; choose another name with -o");
            int largestCount = parse.GetValue(largest), treeCount = parse.GetValue(trees);
            // Checked before loading: a bad option costs nothing.
            if (largestCount < 0) throw new CliUsageException($"--largest must be 0 or more, not {largestCount}");
            if (treeCount < 0) throw new CliUsageException($"--trees must be 0 or more, not {treeCount}");
            var options = new HtmlStatsOptions { Title = parse.GetValue(title), LargestInstances = largestCount, MaxReferentTrees = treeCount };

            HtmlStats report = HtmlStats.Load(input, options);
            report.CreateHtml(target, cancellationToken);
            var info = new FileInfo(target);
            context.Output.WriteLine($"heapmon: wrote {target} ({ByteUnits.Compact(info.Length)})");
            return Task.FromResult(0);
        });
        return command;
    }
}
