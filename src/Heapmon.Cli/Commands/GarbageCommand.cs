using System.CommandLine;
using Heapmon.Garbage;
using Heapmon.Demo;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon garbage --demo`: reference cycles, what keeps an object alive, finalizer-only garbage,
/// and the cycles as Graphviz (Heapmonitor: --debug=garbage --garbage=leakgraph.txt).
/// </summary>
internal static class GarbageCommand
{
    public static Command Create(CliContext context)
    {
        var demo = new Option<bool>("--demo") { Description = "Analyse the built-in demo heap (the seed's reference-cycle tutorial, with a leak)." };
        var dot = new Option<string?>("--dot") { Description = "Write the graph as Graphviz DOT to this file." };
        var svg = new Option<string?>("--svg") { Description = "Render the graph to this SVG file with Graphviz's dot." };
        var pdf = new Option<string?>("--pdf") { Description = "Render the graph to this PDF file with Graphviz's dot." };
        var graph = new Option<string>("--graph") { Description = "What the DOT/SVG/PDF shows: cycles or retention.", DefaultValueFactory = _ => "cycles" };
        graph.AcceptOnlyFromAmong("cycles", "retention");
        var finalizers = new Option<bool>("--finalizers", "--finalizer") { Description = "Also report finalizer-only garbage (takes a core dump of the process, ~1 s)." };
        var stacks = new Option<bool>("--stacks") { Description = "Include stack roots in retention paths (takes a core dump of this process, ~1 s)." };
        var pid = new Option<int?>("--pid", "-p") { Description = "Analyse this running .NET process (with --type)." };
        var type = new Option<string?>("--type") { Description = "With --pid: the type whose instances to explain (full or simple name)." };
        var paths = new Option<int>("--paths") { Description = "With --pid: retention paths for this many of the largest instances.", DefaultValueFactory = _ => 3 };
        var cycles = new Option<bool>("--cycles") { Description = "With --pid: also find reference cycles among the instances." };
        var command = new Command("garbage",
            "Find reference cycles, what keeps objects alive, and undisposed objects left to finalizers.\n\n" +
            "Examples:\n  heapmon garbage --pid 1234 --type MyApp.Session --paths 5 --cycles\n  heapmon garbage --demo\n  heapmon garbage --demo --dot leakgraph.dot --svg leakgraph.svg\n" +
            "  heapmon garbage --demo --graph retention --pdf why-alive.pdf --finalizers\n\n" +
            "In your own program: Heapmon.Garbage.CycleFinder, RetentionPaths, FinalizerGarbage and GraphvizWriter;\n" +
            "for an unchanged program: heapmon run --garbage=leakgraph.dot -- <command>.")
        {
            demo, dot, svg, pdf, graph, finalizers, stacks, pid, type, paths, cycles,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(pid) is { } process)
            {
                if (parse.GetValue(demo)) throw new CliUsageException("--demo and --pid each name a heap: give one.");
                string named = parse.GetValue(type) ?? throw new CliUsageException("--pid needs --type TYPE: the type whose instances to explain.");
                return GarbageOfProcess.Run(context, process, named, parse.GetValue(paths), parse.GetValue(cycles), parse.GetValue(finalizers));
            }
            if (!parse.GetValue(demo))
                throw new CliUsageException(
                    "heapmon garbage needs a heap: --pid PID --type TYPE for a running .NET process, or --demo. For a program from its start, run it under " +
                    "`heapmon run --garbage=leakgraph.dot -- <command>` or call Heapmon.Garbage (CycleFinder, RetentionPaths, FinalizerGarbage) from it.");
            return Run(context, parse.GetValue(dot), parse.GetValue(svg), parse.GetValue(pdf), parse.GetValue(graph) ?? "cycles",
                parse.GetValue(finalizers), parse.GetValue(stacks));
        });
        return command;
    }

    private static int Run(CliContext context, string? dotPath, string? svgPath, string? pdfPath, string graph, bool finalizers, bool stacks)
    {
        CheckOutput(svgPath, ".svg", "--svg");
        CheckOutput(pdfPath, ".pdf", "--pdf");
        TextWriter output = context.Output;
        Section leaked = GarbageDemo.Build();
        try
        {
            output.WriteLine("== Reference cycles among the demo's objects (CycleFinder.FindAmong)");
            CycleReport cycles = CycleFinder.FindAmong(GarbageDemo.Roots);
            output.WriteLine(cycles);

            output.WriteLine("== Why is the dropped section still alive? (RetentionPaths.Find)");
            RetentionReport retention = RetentionPaths.Find(leaked, options: stacks ? RetentionOptions.WithStacks : RetentionOptions.NoStacks);
            output.WriteLine(retention);

            if (finalizers)
            {
                GarbageDemo.LeaveUndisposedFiles(3);
                output.WriteLine("== Undisposed objects left to their finalizers (FinalizerGarbage.Collect)");
                output.WriteLine(FinalizerGarbage.Collect());
            }

            WriteGraph(output, path =>
            {
                if (graph == "retention") GraphvizWriter.Write(path, retention);
                else GraphvizWriter.Write(path, cycles);
            }, dotPath, svgPath, pdfPath);
            return 0;
        }
        finally
        {
            GarbageDemo.Clear();
        }
    }

    private static void WriteGraph(TextWriter output, Action<string> writeDot, string? dotPath, string? svgPath, string? pdfPath)
    {
        if (dotPath is null && svgPath is null && pdfPath is null) return;
        // The DOT file is written first, so a missing Graphviz never costs it.
        string source = dotPath ?? Path.Combine(Path.GetTempPath(), $"heapmon-{Guid.NewGuid():N}.dot");
        try
        {
            writeDot(source);
            if (dotPath is not null) output.WriteLine($"wrote {dotPath}");
            foreach (string? rendered in new[] { svgPath, pdfPath })
            {
                if (rendered is null) continue;
                GraphvizWriter.Render(source, rendered);
                output.WriteLine($"wrote {rendered}");
            }
        }
        finally
        {
            if (dotPath is null && File.Exists(source)) File.Delete(source);
        }
    }

    private static void CheckOutput(string? path, string extension, string option)
    {
        if (path is not null && !path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            throw new CliUsageException($"{option} needs a file name ending in {extension}, not '{path}'.");
    }
}
