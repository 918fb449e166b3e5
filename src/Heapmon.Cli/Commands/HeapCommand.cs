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
            "Examples:\n  heapmon heap snapshot --demo -o a.heapsnap\n  heapmon heap diff a.heapsnap b.heapsnap --top 10 --html diff.html\n\n" +
            "In your own program: HeapSnapshotFile.Save(HeapSnapshot.Take(), \"a.heapsnap\").");
        command.Subcommands.Add(Snapshot(context));
        command.Subcommands.Add(Diff(context));
        return command;
    }

    private static Command Snapshot(CliContext context)
    {
        // The heap to snapshot: --demo now; --pid (another running process) goes beside it.
        var demo = new Option<bool>("--demo") { Description = "Snapshot a demo heap (orders, lines, customers) built in this process." };
        var output = new Option<string>("--output", "-o") { Description = "The snapshot file to write (.heapsnap).", Required = true };
        var graph = new Option<bool>("--graph") { Description = "Keep the whole object graph in the file, for later path queries (about 12 bytes per object)." };
        var top = new Option<int>("--top", "-n") { Description = "How many types to print.", DefaultValueFactory = _ => 20 };
        var command = new Command("snapshot", "Take a heap snapshot: per type count, shallow and retained bytes, GC roots by kind, the largest retainers with their paths.\n\n" +
            "Example:\n  heapmon heap snapshot --demo -o a.heapsnap --graph")
        {
            demo, output, graph, top,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            int count = Top(parse.GetValue(top));
            if (!parse.GetValue(demo))
                throw new CliUsageException("heap snapshot needs a heap: --demo for the built-in demo heap (in your own program, call HeapSnapshot.Take()).");
            CheckFolder(path, "--output");
            // Held by a static, as a program's caches are: a local would be a stack root, which an in-process walk cannot see.
            s_demo = DemoHeap.Build();
            var clock = Stopwatch.StartNew();
            HeapSnapshotData snapshot = HeapSnapshot.Take(parse.GetValue(graph) ? HeapSnapshotOptions.WithGraph : HeapSnapshotOptions.Default);
            double ms = clock.Elapsed.TotalMilliseconds;
            s_demo = null;
            HeapSnapshotFile.Save(snapshot, path);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {path}: {snapshot.ObjectCount:N0} objects, {ByteUnits.Compact(snapshot.TotalBytes)}, snapshot in {ms:F0} ms{(snapshot.HasGraph ? ", with the object graph" : "")}."));
            context.Output.WriteLine();
            HeapReport.WriteSnapshot(snapshot, context.Output, count);
            return 0;
        });
        return command;
    }

    private static Command Diff(CliContext context)
    {
        var before = new Argument<string>("before") { Description = "The earlier snapshot file." };
        var after = new Argument<string>("after") { Description = "The later snapshot file." };
        var top = new Option<int>("--top", "-n") { Description = "How many types to list.", DefaultValueFactory = _ => 20 };
        var html = new Option<string?>("--html") { Description = "Also write the diff as an HTML page to this file." };
        var command = new Command("diff", "Compare two heap snapshots: per type count, bytes and retained bytes before, after and Δ, most retained growth first, and the leak suspects.\n\n" +
            "Example:\n  heapmon heap diff a.heapsnap b.heapsnap --top 10 --html diff.html")
        {
            before, after, top, html,
        };
        command.SetAction(parse =>
        {
            int count = Top(parse.GetValue(top));
            string? htmlPath = parse.GetValue(html);
            if (htmlPath is not null) CheckFolder(htmlPath, "--html");
            HeapSnapshotData a = HeapSnapshotFile.Load(parse.GetValue(before)!);
            HeapSnapshotData b = HeapSnapshotFile.Load(parse.GetValue(after)!);
            HeapSnapshotDiff diff = HeapSnapshotDiff.Compare(a, b);
            HeapReport.WriteDiff(diff, context.Output, count);
            if (htmlPath is not null)
            {
                HeapReport.WriteDiffHtml(diff, htmlPath, Math.Max(count, 100));
                context.Output.WriteLine();
                context.Output.WriteLine($"Wrote {htmlPath}.");
            }
            return 0;
        });
        return command;
    }

    private static int Top(int count) => count >= 1 ? count : throw new CliUsageException($"--top must be at least 1, not {count}.");

    /// <summary>Refuses an output whose folder does not exist before any work is done.</summary>
    private static void CheckFolder(string path, string option)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new CliUsageException($"{option} {path}: the folder {folder} does not exist.");
    }
}
