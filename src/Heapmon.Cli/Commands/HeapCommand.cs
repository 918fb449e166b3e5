using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon heap snapshot|diff`: whole-heap snapshots with retained sizes, and what grew between two of
/// them with the leak suspects (dotnet-gcdump collect/report, with MAT's dominators; Pympler: summary.get_diff).
/// </summary>
internal static class HeapCommand
{
    private static DemoHeap? s_demo;

    public static Command Create(CliContext context)
    {
        var command = new Command("heap",
            "Whole-heap snapshots with exact retained sizes, and diffs between two of them with leak suspects.\n\n" +
            "Examples:\n  heapmon heap snapshot --pid 1234 -o a.heapsnap\n  heapmon heap snapshot --pid 1234 --stacks -o a.heapsnap\n  heapmon heap diff a.heapsnap b.heapsnap --top 10 --html diff.html\n\n" +
            "In your own program: HeapSnapshotFile.Save(HeapSnapshot.Take(), \"a.heapsnap\").");
        command.Subcommands.Add(Snapshot(context));
        command.Subcommands.Add(Diff(context));
        return command;
    }

    private static Command Snapshot(CliContext context)
    {
        var demo = new Option<bool>("--demo") { Description = "Snapshot a demo heap (orders, lines, customers) built in this process." };
        Option<int?> pid = CliOptions.Pid("Snapshot this running .NET process (heapmon ps lists them): its agent walks the heap and sends the file back.");
        Option<string?> output = CliOptions.Output("The snapshot file to write (.heapsnap).");
        output.Required = true;
        var graph = new Option<bool>("--graph") { Description = "Keep the whole object graph in the file, for later path queries (about 1.3 bytes per object compressed)." };
        var stacks = new Option<bool>("--stacks")
        {
            Description = "With --pid: read the heap from a dump of the process instead of through an agent, so objects held only by local variables " +
                "on its threads' stacks count under stack roots (the process keeps running; the dump is deleted afterwards).",
        };
        Option<int> top = CliOptions.Top("How many types to print.", 20, minimum: 1);
        var command = new Command("snapshot", "Take a heap snapshot: per type count, shallow and retained bytes, GC roots by kind, the largest retainers with their paths.\n\n" +
            "Examples:\n  heapmon heap snapshot --pid 1234 -o a.heapsnap\n  heapmon heap snapshot --pid 1234 --stacks -o a.heapsnap\n  heapmon heap snapshot --demo -o a.heapsnap --graph")
        {
            demo, pid, output, graph, stacks, top,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            int count = parse.GetValue(top);
            if (parse.GetValue(stacks) && parse.GetValue(pid) is null)
                throw new CliUsageException("--stacks reads the stacks of a running process from a dump of it: give --pid PID too.");
            if (parse.GetValue(pid) is { } process)
            {
                if (parse.GetValue(demo)) throw new CliUsageException("--demo and --pid each name a heap: give one.");
                OutputFiles.CheckOne(path); // before attaching or dumping: a bad name or folder costs nothing
                return parse.GetValue(stacks)
                    ? HeapSnapshotOfDump.Run(context, process, path, parse.GetValue(graph), count)
                    : HeapSnapshotOfProcess.Run(context, process, path, parse.GetValue(graph), count);
            }
            if (!parse.GetValue(demo))
                throw new CliUsageException("heap snapshot needs a heap: --pid PID for a running .NET process (heapmon ps lists them), or --demo for the built-in demo heap (in your own program, call HeapSnapshot.Take()).");
            OutputFiles.CheckOne(path);
            // Held by a static, as a program's caches are: a local would be a stack root, which an in-process walk cannot see.
            s_demo = DemoHeap.Build();
            var clock = Stopwatch.StartNew();
            HeapSnapshotData snapshot = HeapSnapshot.Take(parse.GetValue(graph) ? HeapSnapshotOptions.WithGraph : HeapSnapshotOptions.Default);
            double ms = clock.Elapsed.TotalMilliseconds;
            s_demo = null;
            context.Note(string.Create(CultureInfo.InvariantCulture,
                $"walked {snapshot.ObjectCount:N0} objects ({ByteUnits.Compact(snapshot.TotalBytes)}) in {ms:F0} ms{(snapshot.HasGraph ? ", object graph kept" : "")}"));
            OutputFiles.WriteAll(context, [(path, () => HeapSnapshotFile.Save(snapshot, path))]);
            HeapReport.WriteSnapshot(snapshot, context.Output, count);
            return 0;
        });
        return command;
    }

    private static Command Diff(CliContext context)
    {
        var before = new Argument<string>("before") { Description = "The earlier snapshot file.", HelpName = "BEFORE" };
        var after = new Argument<string>("after") { Description = "The later snapshot file.", HelpName = "AFTER" };
        Option<int> top = CliOptions.Top("How many types to list.", 20, minimum: 1);
        var html = new Option<string?>("--html") { Description = "Also write the diff as an HTML page to this file.", HelpName = "FILE" };
        var command = new Command("diff", "Compare two heap snapshots: per type count, bytes and retained bytes before, after and Δ, most retained growth first, and the leak suspects.\n\n" +
            "Example:\n  heapmon heap diff a.heapsnap b.heapsnap --top 10 --html diff.html")
        {
            before, after, top, html,
        };
        command.SetAction(parse =>
        {
            int count = parse.GetValue(top);
            string? htmlPath = parse.GetValue(html);
            if (htmlPath is not null) OutputFiles.CheckOne(htmlPath);
            HeapSnapshotData a = HeapSnapshotFile.Load(parse.GetValue(before)!);
            HeapSnapshotData b = HeapSnapshotFile.Load(parse.GetValue(after)!);
            HeapSnapshotDiff diff = HeapSnapshotDiff.Compare(a, b);
            HeapReport.WriteDiff(diff, context.Output, count);
            if (htmlPath is not null) OutputFiles.WriteAll(context, [(htmlPath, () => HeapReport.WriteDiffHtml(diff, htmlPath, Math.Max(count, 100)))]);
            return 0;
        });
        return command;
    }
}
