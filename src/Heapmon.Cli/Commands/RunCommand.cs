using Heapmon.Stats;
using System.CommandLine;
using System.Globalization;
using Heapmon.StartupHook.Session;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon run [options] -- COMMAND`: profiles an unmodified .NET program through the startup hook,
/// as `scons --debug=memory --heapprofile=heap.html` did for SCons (seed: the SCons Heapmonitor).
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var track = new Option<string[]>("--track", "-t")
        {
            Description = "Track every instance of the types named (repeatable): a full name, or * wildcards such as 'MyApp.Nodes.*' or '*Node'. Types in assemblies loaded later are tracked too.",
            AllowMultipleArgumentsPerToken = false,
        };
        var resolution = new Option<int>("--resolution") { Description = "Per-referent size tree depth for tracked instances (Pympler: resolution_level)." };
        var trace = new Option<bool>("--trace") { Description = "Record where tracked instances are created." };
        var snapshotAt = new Option<string[]>("--snapshot-at") { Description = "When to take snapshots: start, exit, both (default) or none; repeatable or comma-separated." };
        var interval = new Option<double?>("--interval") { Description = "Also take a snapshot every SECONDS (e.g. 0.1); outputs are rewritten as it goes, so a killed program keeps the last ones." };
        var onSignal = new Option<bool>("--snapshot-on-signal") { Description = "Take a snapshot and rewrite the outputs when the program (or heapmon) receives SIGUSR2." };
        var alloc = new Option<bool>("--alloc") { Description = "Trace allocations with their source lines (tracemalloc)." };
        var tracebackLimit = new Option<int?>("--traceback-limit") { Description = "Frames kept per allocation trace (default 1); needs --alloc." };
        var output = new Option<string[]>("--output", "-o")
        {
            Description = "Write FILE at exit (repeatable): .json.gz or .dat is the stats dump, .html the report, .txt the summary.",
            AllowMultipleArgumentsPerToken = false,
        };
        var garbage = new Option<string?>("--garbage") { Description = "Write reference cycles among tracked objects at exit as a Graphviz FILE (.dot)." };
        var command = new Argument<string[]>("command") { Description = "The program and its arguments, after --.", Arity = ArgumentArity.OneOrMore };

        var run = new Command("run", "Run a .NET program under the profiler, unchanged, through a startup hook.")
        {
            track, resolution, trace, snapshotAt, interval, onSignal, alloc, tracebackLimit, output, garbage, command,
        };
        run.Description +=
            "\n\nExamples:\n" +
            "  heapmon run --track 'MyApp.Nodes.*' --output heap.html -- dotnet MyApp.dll\n" +
            "  heapmon run --track '*Node' --interval 0.5 -o heap.json.gz -o heap.txt -- ./MyApp --input big.xml\n" +
            "  heapmon run --track 'Microsoft.Build.Execution.*' --output build.html -- dotnet build -nodeReuse:false -m:1";

        run.SetAction(parse =>
        {
            (bool atStart, bool atExit) = ParseSnapshotAt(parse.GetValue(snapshotAt) ?? []);
            if (parse.GetValue(tracebackLimit) is not null && !parse.GetValue(alloc))
                throw new CliUsageException("--traceback-limit applies to the allocation tracer: add --alloc.");
            var options = new RunOptions
            {
                Track = parse.GetValue(track) ?? [],
                ResolutionLevel = parse.GetValue(resolution),
                Trace = parse.GetValue(trace),
                SnapshotAtStart = atStart,
                SnapshotAtExit = atExit,
                Interval = parse.GetValue(interval) is { } seconds ? Seconds(seconds) : null,
                SnapshotOnSignal = parse.GetValue(onSignal),
                Alloc = parse.GetValue(alloc),
                TracebackLimit = parse.GetValue(tracebackLimit) ?? 1,
                Outputs = (parse.GetValue(output) ?? []).Select(StatsOutput.Parse).ToArray(),
                Garbage = parse.GetValue(garbage),
            }.Validate();
            foreach (string path in options.Outputs.Select(o => o.Path).Append(options.Garbage).OfType<string>())
                CheckWritable(path);

            string hook = Launcher.DefaultHookPath;
            Launcher.CheckHook(hook);
            var info = Launcher.CreateStartInfo(parse.GetValue(command)!, options, hook);
            return Launcher.Run(info, context.Error, options.SnapshotOnSignal);
        });
        return run;
    }

    private static TimeSpan Seconds(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new CliUsageException($"--interval must be a positive number of seconds, not {seconds.ToString(CultureInfo.InvariantCulture)}.");

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

    /// <summary>Refuses before the program runs, not after: an output the program could never write would lose the whole run.</summary>
    private static void CheckWritable(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
            throw new CliUsageException($"cannot write {path}: the folder {directory} does not exist.");
        string probe = Path.Combine(directory, $".heapmon-probe-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot write {path}: the folder {directory} is not writable ({e.Message}).");
        }
    }
}
