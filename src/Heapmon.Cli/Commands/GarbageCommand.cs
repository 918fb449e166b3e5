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
    private static readonly string[] s_graphExtensions = [".dot", ".svg", ".pdf"];

    public static Command Create(CliContext context)
    {
        var demo = new Option<bool>("--demo") { Description = "Analyse the built-in demo heap (the Heapmonitor's reference-cycle tutorial, with a leak)." };
        var outputs = CliOptions.Outputs("Write the graph to FILE (repeatable): .dot is Graphviz's source, .svg and .pdf are rendered with Graphviz's dot.");
        var graph = new Option<string>("--graph") { Description = "What the graph shows: cycles or retention.", DefaultValueFactory = _ => "cycles", HelpName = "KIND" };
        graph.AcceptOnlyFromAmong("cycles", "retention");
        var finalizers = new Option<bool>("--finalizers", "--finalizer") { Description = "Also report finalizer-only garbage (takes a core dump of the process, ~1 s)." };
        var stacks = new Option<bool>("--stacks") { Description = "Include stack roots in retention paths (takes a core dump of this process, ~1 s)." };
        var pid = CliOptions.Pid("Analyse this running .NET process (with --type).");
        var type = new Option<string?>("--type") { Description = "With --pid: the type whose instances to explain (full or simple name).", HelpName = "TYPE" };
        var pathCount = CliOptions.WholeNumber("--paths", null, "N", "With --pid: retention paths for this many of the largest instances.", 3, minimum: 1);
        var cycles = new Option<bool>("--cycles") { Description = "With --pid: also find reference cycles among the instances." };
        var command = new Command("garbage", "Find reference cycles, what keeps objects alive, and undisposed objects left to finalizers.")
        {
            demo, outputs, graph, finalizers, stacks, pid, type, pathCount, cycles,
        };
        command.WithExamples(
            "heapmon garbage --pid 1234 --type MyApp.Session --paths 5 --cycles",
            "heapmon garbage --demo",
            "heapmon garbage --demo -o leakgraph.dot -o leakgraph.svg",
            "heapmon garbage --demo --graph retention -o why-alive.pdf --finalizers",
            "heapmon run --garbage leakgraph.dot --track 'MyApp.*' -- dotnet MyApp.dll    (an unchanged program)");
        command.SetAction(parse =>
        {
            if (parse.GetValue(pid) is { } process)
            {
                if (parse.GetValue(demo)) throw new CliUsageException("--demo and --pid each name a heap: give one.");
                string named = parse.GetValue(type) ?? throw new CliUsageException("--pid needs --type TYPE: the type whose instances to explain.");
                return GarbageOfProcess.Run(context, process, named, parse.GetValue(pathCount), parse.GetValue(cycles), parse.GetValue(finalizers));
            }
            if (!parse.GetValue(demo))
                throw new CliUsageException(
                    "heapmon garbage needs a heap: --pid PID --type TYPE for a running .NET process, or --demo. For a program from its start, run it under " +
                    "`heapmon run --garbage leakgraph.dot -- <command>` or call Heapmon.Garbage (CycleFinder, RetentionPaths, FinalizerGarbage) from it.");
            string[] paths = parse.GetValue(outputs) ?? [];
            // Checked before the demo heap is built: a bad name, folder or a missing Graphviz costs nothing.
            foreach (string path in paths)
                if (!s_graphExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                    throw new CliUsageException($"--output '{path}': unknown kind of graph file; use .dot (Graphviz source), .svg or .pdf");
            OutputFiles.Check(paths);
            if (paths.Any(p => !p.EndsWith(".dot", StringComparison.OrdinalIgnoreCase)) && !GraphvizWriter.IsDotInstalled)
                throw new CliUsageException("rendering .svg or .pdf needs Graphviz's dot, which is not on the PATH: install Graphviz (apt-get install graphviz), or write .dot and render it elsewhere");
            return Run(context, paths, parse.GetValue(graph) ?? "cycles", parse.GetValue(finalizers), parse.GetValue(stacks));
        });
        return command;
    }

    private static int Run(CliContext context, string[] paths, string graph, bool finalizers, bool stacks)
    {
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

            WriteGraph(context, paths, path =>
            {
                if (graph == "retention") GraphvizWriter.Write(path, retention);
                else GraphvizWriter.Write(path, cycles);
            });
            return 0;
        }
        finally
        {
            GarbageDemo.Clear();
        }
    }

    /// <summary>The DOT files first, so a failing Graphviz never costs them; SVG and PDF are rendered from one DOT source.</summary>
    private static void WriteGraph(CliContext context, string[] paths, Action<string> writeDot)
    {
        if (paths.Length == 0) return;
        string[] dots = [.. paths.Where(p => p.EndsWith(".dot", StringComparison.OrdinalIgnoreCase))];
        string[] rendered = [.. paths.Except(dots)];
        string source = dots.FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), $"heapmon-{Guid.NewGuid():N}.dot");
        try
        {
            var steps = dots.Select(dot => (dot, (Action)(() => writeDot(dot)))).ToList();
            if (dots.Length == 0) writeDot(source);
            steps.AddRange(rendered.Select(target => (target, (Action)(() => Render(source, target, dots.Length > 0)))));
            OutputFiles.WriteAll(context, steps);
        }
        finally
        {
            if (dots.Length == 0 && File.Exists(source)) File.Delete(source);
        }
    }

    /// <summary>Renders with dot; its error names our DOT source, which is a temporary file unless the user asked for one.</summary>
    private static void Render(string source, string target, bool sourceIsTheUsers)
    {
        try
        {
            GraphvizWriter.Render(source, target);
        }
        catch (IOException e) when (!sourceIsTheUsers)
        {
            throw new IOException(e.Message.Replace($"'{source}'", "the graph", StringComparison.Ordinal).Replace(source, "the graph", StringComparison.Ordinal), e);
        }
    }
}
