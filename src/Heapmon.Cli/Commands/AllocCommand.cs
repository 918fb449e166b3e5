using System.CommandLine;
using System.Globalization;
using Heapmon.Allocations;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon alloc SNAPSHOT...`: display and compare allocation snapshots (tracemalloc: python -m tracemalloc);
/// `heapmon alloc --pid PID`: sample the allocations of a running process, then write or show its snapshot.
/// </summary>
internal static class AllocCommand
{
    public static Command Create(CliContext context)
    {
        var o = new AllocOptions();
        var command = new Command("alloc", "Display the top allocations of snapshot files, and compare several in turn (tracemalloc's display_top and compare_to).")
        {
            o.Files, o.Pid, o.Duration, o.Output, o.TracebackLimit, o.Address, o.File, o.Type, o.Top, o.First, o.Cumulative, o.Block, o.Traceback,
            o.Include, o.IncludeTraceback, o.Exclude, o.ExcludeTraceback, o.HideSize, o.HideCount, o.HideAverage, o.HideMetrics, o.Parts, o.Color,
        };
        command.WithExamples(
            "heapmon alloc snap1.json                      top 10 lines",
            "heapmon alloc --type --top 5 snap1.json       top 5 types",
            "heapmon alloc snap1.json snap2.json           what grew between them",
            "heapmon alloc -i '*/Data/*' -x '*Cache.cs' snap.json",
            "heapmon alloc --traceback -n 3 snap.json      biggest samples with tracebacks",
            "heapmon alloc --pid 1234 --duration 30        top lines of a running process",
            "heapmon alloc -p 1234 --duration 60 -o app.alloc.json --traceback-limit 5");

        command.SetAction(parse => Run(context, o, parse));
        return command;
    }

    private static int Run(CliContext context, AllocOptions o, ParseResult parse)
    {
        int n = parse.GetValue(o.Top);
        int filenameParts = parse.GetValue(o.Parts);
        bool groupAddress = parse.GetValue(o.Address), groupFile = parse.GetValue(o.File), groupType = parse.GetValue(o.Type), showTracebacks = parse.GetValue(o.Traceback);
        if (new[] { groupAddress, groupFile, groupType, showTracebacks }.Count(b => b) > 1)
            throw new CliUsageException("Choose one of --address, --file, --type and --traceback.");
        bool? useColor = context.ColorForcedBy(parse.GetValue(o.Color));
        string? blockText = parse.GetValue(o.Block);
        long? blockAddress = blockText is null ? null : ParseAddress(blockText);

        var filters = new List<Filter>();
        AddFilters(filters, parse.GetValue(o.Include), include: true, traceback: false);
        AddFilters(filters, parse.GetValue(o.IncludeTraceback), include: true, traceback: true);
        AddFilters(filters, parse.GetValue(o.Exclude), include: false, traceback: false);
        AddFilters(filters, parse.GetValue(o.ExcludeTraceback), include: false, traceback: true);

        GroupBy groupBy = groupAddress || showTracebacks ? GroupBy.Address : groupFile ? GroupBy.File : groupType ? GroupBy.Type : GroupBy.Line;
        bool needTraces = groupBy == GroupBy.Address || blockAddress is not null || parse.GetValue(o.Cumulative) || filters.Any(f => f.Traceback);
        var display = new DisplayTop
        {
            Size = !parse.GetValue(o.HideSize),
            Count = !parse.GetValue(o.HideCount),
            Average = !parse.GetValue(o.HideAverage),
            Metrics = !parse.GetValue(o.HideMetrics),
            FilenameParts = filenameParts,
            CompareToPrevious = !parse.GetValue(o.First),
            Color = useColor,
        };

        var view = new View(display, n, groupBy, parse.GetValue(o.Cumulative), blockAddress, showTracebacks, filenameParts, filters);
        string[] paths = parse.GetValue(o.Files) ?? [];
        if (parse.GetValue(o.Pid) is { } processId)
        {
            if (paths.Length > 0) throw new CliUsageException("give either SNAPSHOT files or --pid, not both.");
            string? outputPath = parse.GetValue(o.Output);
            if (outputPath is not null) OutputFiles.Check([outputPath]);
            return AllocOfProcess.Run(context, processId, parse.GetValue(o.Duration), outputPath, parse.GetValue(o.TracebackLimit) ?? 1, needTraces,
                snapshot => view.Render(context, [snapshot.ApplyFilters(filters)]));
        }
        if (paths.Length == 0) throw new CliUsageException("missing SNAPSHOT: give snapshot files to show, or --pid PID to sample a running process.");
        if (parse.GetValue(o.Duration) is not null || parse.GetValue(o.Output) is not null || parse.GetValue(o.TracebackLimit) is not null)
            throw new CliUsageException("--duration, --output and --traceback-limit apply to --pid.");

        return ShowFiles(context, view, paths, needTraces, filters);
    }

    /// <summary>Every file is loaded and every report rendered before anything is printed: a bad second file costs the first nothing.</summary>
    private static int ShowFiles(CliContext context, View view, string[] paths, bool needTraces, List<Filter> filters)
    {
        var snapshots = new List<AllocationSnapshot>();
        foreach (string path in paths)
        {
            AllocationSnapshot snapshot = AllocationSnapshot.Load(path, traces: needTraces);
            if (needTraces && snapshot.Traces is null)
                throw new CliUsageException($"{path}: this snapshot has no traces, which --address, --traceback, --block, --cumulative and traceback filters need; take it with traces: true.");
            snapshots.Add(snapshot.ApplyFilters(filters));
        }
        view.Render(context, snapshots);
        return 0;
    }

    /// <summary>The command's arguments and options, declared once.</summary>
    private sealed class AllocOptions
    {
        public Argument<string[]> Files { get; } = new Argument<string[]>("SNAPSHOT") { Arity = ArgumentArity.ZeroOrMore, Description = "Snapshot files written by AllocationSnapshot.Write, TakeSnapshotTask, heapmon run --alloc or heapmon alloc --pid; several are compared in turn." };
        public Option<int?> Pid { get; } = CliOptions.Pid("Sample the allocations of this running .NET 10 process instead (heapmon ps lists them); its runtime writes the events, heapmon reads them.");
        public Option<TimeSpan?> Duration { get; } = CliOptions.Duration("With --pid: stop after SECONDS (default: at Ctrl-C, or when the process exits).");
        public Option<string?> Output { get; } = CliOptions.Output("With --pid: write the snapshot to FILE (heapmon alloc FILE shows it later) instead of printing its top lines.");
        public Option<int?> TracebackLimit { get; } = CliOptions.WholeNumberOrNone("--traceback-limit", null, "N", "With --pid: frames kept per sample (tracemalloc: start(N)); default 1.", minimum: 1);
        public Option<bool> Address { get; } = new Option<bool>("--address", "-a") { Description = "Group allocations by sampled object (address) instead of by line; needs traces." };
        public Option<bool> File { get; } = new Option<bool>("--file") { Description = "Group allocations by file instead of by line." };
        public Option<bool> Type { get; } = new Option<bool>("--type") { Description = "Group allocations by allocated type instead of by line." };
        public Option<int> Top { get; } = CliOptions.Top("Groups shown per snapshot (or samples, with --traceback).", 10);
        public Option<bool> First { get; } = new Option<bool>("--first") { Description = "Compare each snapshot with the first one, not the previous one." };
        public Option<bool> Cumulative { get; } = new Option<bool>("--cumulative", "-c") { Description = "Count every frame of each traceback, not only the most recent (needs traces and a traceback limit of 2 or more)." };
        public Option<string?> Block { get; } = new Option<string?>("--block", "-b") { Description = "Show the size, type and traceback of the sample at ADDRESS (0x hex or decimal); needs traces.", HelpName = "ADDRESS" };
        public Option<bool> Traceback { get; } = new Option<bool>("--traceback") { Description = "Show the N biggest samples with their tracebacks; needs traces." };
        public Option<string[]> Include { get; } = new Option<string[]>("--include", "-i") { Description = "Keep only allocations whose most recent frame is in FILENAME (* wildcards) at LINENO. Repeatable.", HelpName = "FILENAME[:LINENO]", AllowMultipleArgumentsPerToken = false };
        public Option<string[]> IncludeTraceback { get; } = new Option<string[]>("--include-traceback", "-I") { Description = "Like --include, but any frame of the traceback may match.", HelpName = "FILENAME[:LINENO]" };
        public Option<string[]> Exclude { get; } = new Option<string[]>("--exclude", "-x") { Description = "Drop allocations whose most recent frame is in FILENAME at LINENO. Repeatable.", HelpName = "FILENAME[:LINENO]" };
        public Option<string[]> ExcludeTraceback { get; } = new Option<string[]>("--exclude-traceback", "-X") { Description = "Like --exclude, but any frame of the traceback may match.", HelpName = "FILENAME[:LINENO]" };
        public Option<bool> HideSize { get; } = new Option<bool>("--hide-size", "-S") { Description = "Hide sizes." };
        public Option<bool> HideCount { get; } = new Option<bool>("--hide-count", "-C") { Description = "Hide counts." };
        public Option<bool> HideAverage { get; } = new Option<bool>("--hide-average", "-A") { Description = "Hide average sizes." };
        public Option<bool> HideMetrics { get; } = new Option<bool>("--hide-metrics", "-M") { Description = "Hide metrics." };
        public Option<int> Parts { get; } = CliOptions.WholeNumber("--filename-parts", "-P", "N", "Trailing file name parts shown (0: all).", 3);
        public Option<bool> Color { get; } = new Option<bool>("--color") { Description = "Always use colours, even when not on a terminal." };
    }

    /// <summary>How the snapshots are shown, fixed once the options are read.</summary>
    private sealed record View(DisplayTop Display, int Top, GroupBy GroupBy, bool Cumulative, long? Block, bool Tracebacks, int FilenameParts, List<Filter> Filters)
    {
        public void Render(CliContext context, List<AllocationSnapshot> snapshots)
        {
            var buffer = new StringWriter { NewLine = "\n" };
            foreach (AllocationSnapshot snapshot in snapshots)
            {
                if (Block is { } blockAt) TracebackWriter.WriteBlock(buffer, snapshot, blockAt, FilenameParts);
                else if (Tracebacks) TracebackWriter.WriteTracebacks(buffer, snapshot, Top, FilenameParts);
                else Display.DisplaySnapshot(snapshot, Top, GroupBy, Cumulative, buffer);
            }
            context.Output.Write(buffer.ToString());
        }
    }

    private static void AddFilters(List<Filter> filters, string[]? specs, bool include, bool traceback)
    {
        foreach (string spec in specs ?? [])
        {
            int colon = spec.LastIndexOf(':');
            int? line = null;
            string pattern = spec;
            if (colon > 0 && colon < spec.Length - 1 && spec[(colon + 1)..].All(char.IsAsciiDigit))
            {
                line = int.Parse(spec[(colon + 1)..], CultureInfo.InvariantCulture);
                pattern = spec[..colon];
            }
            if (pattern.Length == 0) throw new CliUsageException($"Empty file name pattern in '{spec}'.");
            filters.Add(new Filter(include, pattern, line, traceback));
        }
    }

    private static long ParseAddress(string text)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (long.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            return value;
        throw new CliUsageException($"--block: '{text}' is not an address (use 0x1a2b3c or a decimal number).");
    }
}
