using System.CommandLine;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;
using Heapmon.Demo;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon demo`: the built-in tracker demo — the seed's Employee/Factory example, then a factory that
/// grows and shrinks over a dozen labelled snapshots — printed as summaries and written as a dump and a report.
/// </summary>
internal static class DemoCommand
{
    private static readonly string[] DefaultOutputs = ["heapmon-demo.json.gz", "heapmon-demo.html"];

    public static Command Create(CliContext context)
    {
        var outputs = new Option<string[]>("--output", "-o")
        {
            Description = "Where to write the workload's results; the extension picks the kind: .json.gz/.dat (stats dump), .html (report), .txt (summary). Repeatable.",
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => DefaultOutputs,
        };
        var command = new Command("demo", "Run the built-in ClassTracker demo: print its summaries and write the stats dump and the HTML report.\n\n"
            + "Examples:\n  heapmon demo\n  heapmon demo -o factory.json.gz -o factory.html -o factory.txt\n  heapmon stats heapmon-demo.json.gz --sort size --limit 10")
        {
            outputs,
        };
        command.SetAction(parse =>
        {
            // Checked before the demo runs: a bad name costs nothing.
            StatsOutput[] targets = [.. parse.GetValue(outputs)!.Select(StatsOutput.Parse)];

            context.Output.WriteLine("The seed's example: track a Factory and the Employee class, snapshot, hire 1,000, snapshot.");
            using (var seed = new ClassTracker())
            {
                FactoryDemo.SeedExample(seed);
                new ConsoleStats(seed.ToData(), context.Output).PrintSummary();
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

            foreach (StatsOutput target in targets)
            {
                target.Write(data);
                context.Output.WriteLine($"heapmon: wrote {target.Path} ({ByteUnits.Compact(new FileInfo(target.Path).Length)})");
            }
            return 0;
        });
        return command;
    }
}
