using Heapmon.Stats;
using System.CommandLine;
using Heapmon.StartupHook.Session;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon run [options] -- COMMAND`: profiles an unmodified .NET program through the startup hook,
/// as the Heapmonitor's `scons --debug=memory --heapprofile=heap.html` did for SCons.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var track = CliOptions.Track("Track every instance of the types named (repeatable): a full name, or * wildcards such as 'MyApp.Nodes.*' or '*Node'; arrays as 'byte[]' or 'MyApp.Node[]'. Types in assemblies loaded later are tracked too.");
        var resolution = CliOptions.WholeNumber("--resolution", null, "LEVELS", "Per-referent size tree depth for tracked instances (Pympler: resolution_level).", 0);
        var trace = new Option<bool>("--trace") { Description = "Record where tracked instances are created." };
        var snapshotAt = new Option<string[]>("--snapshot-at") { Description = "When to take snapshots: start, exit, both (default) or none; repeatable or comma-separated.", HelpName = "WHEN" };
        var interval = CliOptions.Interval("Also take a snapshot every SECONDS (e.g. 0.1); outputs are rewritten as it goes, so a killed program keeps the last ones.");
        var onSignal = new Option<bool>("--snapshot-on-signal") { Description = "Take a snapshot and rewrite the outputs when the program (or heapmon) receives SIGUSR2." };
        var alloc = new Option<bool>("--alloc") { Description = "Trace allocations with their source lines (tracemalloc)." };
        var tracebackLimit = CliOptions.WholeNumberOrNone("--traceback-limit", null, "N", "Frames kept per allocation trace (default 1); needs --alloc.", minimum: 1);
        var output = CliOptions.Outputs("Write FILE at exit (repeatable): .json.gz or .dat is the stats dump, .html the report, .txt the summary.");
        var garbage = new Option<string?>("--garbage") { Description = "Write reference cycles among tracked objects at exit as a Graphviz FILE (.dot).", HelpName = "FILE" };
        var command = new Argument<string[]>("COMMAND") { Description = "The program and its arguments, after --.", Arity = ArgumentArity.OneOrMore };

        var run = new Command("run", "Run a .NET program under the profiler, unchanged, through a startup hook.")
        {
            track, resolution, trace, snapshotAt, interval, onSignal, alloc, tracebackLimit, output, garbage, command,
        };
        run.WithExamples(
            "heapmon run --track 'MyApp.Nodes.*' --output heap.html -- dotnet MyApp.dll",
            "heapmon run --track '*Node' --interval 0.5 -o heap.json.gz -o heap.txt -- ./MyApp --input big.xml",
            "heapmon run --track 'byte[]' --alloc -o heap.html -- dotnet MyApp.dll",
            "heapmon run --track 'Microsoft.Build.Execution.*' --output build.html -- dotnet build -nodeReuse:false -m:1");

        run.SetAction(parse =>
        {
            (bool atStart, bool atExit) = ParseSnapshotAt(parse.GetValue(snapshotAt) ?? []);
            if (parse.GetValue(tracebackLimit) is not null && !parse.GetValue(alloc))
                throw new CliUsageException("--traceback-limit applies to the allocation tracer: add --alloc.");
            bool sampleAllocations = parse.GetValue(alloc);
            StatsOutput[] outputs = (parse.GetValue(output) ?? []).Select(StatsOutput.Parse).ToArray();
            var options = new RunOptions
            {
                Track = parse.GetValue(track) ?? [],
                ResolutionLevel = parse.GetValue(resolution),
                Trace = parse.GetValue(trace),
                SnapshotAtStart = atStart,
                SnapshotAtExit = atExit,
                Interval = parse.GetValue(interval),
                SnapshotOnSignal = parse.GetValue(onSignal),
                // Sampled from here (RunAllocations), not by a tracer in the program.
                Alloc = false,
                TracebackLimit = parse.GetValue(tracebackLimit) ?? 1,
                Outputs = outputs,
                Garbage = parse.GetValue(garbage),
                Quiet = context.Quiet,
            }.Validate();
            // Refused before the program runs, not after: an output the program could never write would lose the whole run.
            string[] allocOutputs = sampleAllocations ? [.. ProfilerSession.AllocationOutputs(options.Outputs)] : [];
            OutputFiles.Check(options.Outputs.Select(o => o.Path).Concat(allocOutputs).Append(options.Garbage).OfType<string>());
            return Launch(context, parse.GetValue(command)!, options, sampleAllocations ? allocOutputs : null);
        });
        return run;
    }

    /// <summary>
    /// The .dll a command names that does not exist: `heapmon run -- missing.dll` would end with dotnet's own
    /// error code, and `-- dotnet missing.dll` would run (and profile) the .NET SDK looking for a command of that name.
    /// </summary>
    private static string? MissingAssembly(IReadOnlyList<string> command)
    {
        string? dll = command[0].EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? command[0]
            : Path.GetFileNameWithoutExtension(command[0]) == "dotnet" && command.Count > 1
                ? command.Skip(1).SkipWhile(a => a == "exec").FirstOrDefault()
                : null;
        return dll is not null && dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !File.Exists(dll) ? dll : null;
    }

    /// <summary>Runs the program under the hook and, with <c>--alloc</c>, samples its allocations from here; warns when nothing was profiled.</summary>
    private static int Launch(CliContext context, string[] program, RunOptions options, string[]? allocOutputs)
    {
        string hook = Launcher.DefaultHookPath;
        Launcher.CheckHook(hook);
        if (MissingAssembly(program) is { } missing)
        {
            context.Error.WriteLine($"heapmon: error: cannot start '{string.Join(' ', program)}': {missing} does not exist.");
            return ExitCodes.CommandNotFound;
        }
        // The hook creates this file when it loads: if it never appears, nothing was profiled, and the user is told.
        string marker = Path.Combine(Path.GetTempPath(), $"heapmon-run-{Environment.ProcessId}-{Guid.NewGuid():N}.loaded");
        try
        {
            int exit = allocOutputs is null
                ? Launcher.Run(Launcher.CreateStartInfo(program, options, hook, marker), context.Error, options.SnapshotOnSignal)
                : RunSampled(context, program, options, hook, marker, allocOutputs);
            if (exit != ExitCodes.CommandNotFound && !File.Exists(marker))
                context.Warn($"nothing was profiled: '{program[0]}' never loaded Heapmon's startup hook. heapmon run profiles .NET programs " +
                    "(dotnet app.dll, app.dll, or the app's own launcher); a native program, a Native AOT app or one built with StartupHookSupport=false cannot load it.");
            return exit;
        }
        finally
        {
            File.Delete(marker);
        }
    }

    private static int RunSampled(CliContext context, string[] program, RunOptions options, string hook, string marker, string[] allocOutputs)
    {
        using var allocations = new RunAllocations(context, options.TracebackLimit, [.. allocOutputs.Select(Path.GetFullPath)], options.Interval is null ? null : RewriteEvery(options.Interval.Value));
        var info = Launcher.CreateStartInfo(program, options with { DiagnosticPort = allocations.Port }, hook, marker);
        allocations.AddTo(info);
        int exitCode = Launcher.Run(info, context.Error, options.SnapshotOnSignal, allocations.Attach);
        allocations.Finish();
        return exitCode;
    }

    /// <summary>As the agent rewrites its outputs: every interval, but at most once a second.</summary>
    private static TimeSpan RewriteEvery(TimeSpan interval) => interval > TimeSpan.FromSeconds(1) ? interval : TimeSpan.FromSeconds(1);

    private static (bool Start, bool Exit) ParseSnapshotAt(string[] values)
    {
        if (values.Length == 0) return (true, true);
        bool start = false, exit = false;
        foreach (string value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            switch (value.ToLowerInvariant())
            {
                case "start": start = true; break;
                case "exit": exit = true; break;
                case "both": start = exit = true; break;
                case "none": break;
                default: throw new CliUsageException($"--snapshot-at '{value}': expected start, exit, both or none.");
            }
        }
        return (start, exit);
    }
}
