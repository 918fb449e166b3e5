using System.CommandLine;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;
using Heapmon.Demo;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon demo`: the built-in tracker demo — the Employee/Factory example of Pympler's ClassTracker
/// documentation, then a factory that grows and shrinks over a dozen labelled snapshots — printed as
/// summaries and written as a dump and a report.
/// </summary>
internal static class DemoCommand
{
    private static readonly string[] s_defaultOutputs = ["heapmon-demo.json.gz", "heapmon-demo.html"];

    public static Command Create(CliContext context)
    {
        var outputs = CliOptions.Outputs(
            "Where to write the workload's results; the extension picks the kind: .json.gz/.dat (stats dump), .html (report), .txt (summary). Repeatable.",
            s_defaultOutputs);
        var command = new Command("demo", "Run the built-in ClassTracker demo: print its summaries and write the stats dump and the HTML report.")
        {
            outputs,
        };
        command.WithExamples(
            "heapmon demo",
            "heapmon demo -o factory.json.gz -o factory.html -o factory.txt",
            "heapmon stats heapmon-demo.json.gz --sort size --top 10");
        command.SetAction(parse =>
        {
            // Checked before the demo runs: a bad name or folder costs nothing.
            StatsOutput[] targets = [.. parse.GetValue(outputs)!.Select(StatsOutput.Parse)];
            OutputFiles.Check(targets.Select(t => t.Path));

            context.Output.WriteLine("The example of Pympler's ClassTracker documentation: track a Factory and the Employee class, snapshot, hire 1,000, snapshot.");
            using (var first = new ClassTracker())
            {
                FactoryDemo.DocumentationExample(first);
                new ConsoleStats(first.ToData(), context.Output).PrintSummary();
            }

            context.Output.WriteLine();
            context.Output.WriteLine("A factory that hires in five rounds, lays off in four, trims and closes (12 labelled snapshots):");
            TrackerData data;
            using (var tracker = new ClassTracker())
            {
                FactoryDemo.Workload(tracker);
                data = tracker.ToData();
            }
            new ConsoleStats(data, context.Output).PrintSummary();
            OutputFiles.WriteAll(context, targets.Select(t => (t.Path, (Action)(() => t.Write(data)))));
            return 0;
        });
        return command;
    }
}
