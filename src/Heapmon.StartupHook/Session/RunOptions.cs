using Heapmon.Stats;
using System.Globalization;

namespace Heapmon.StartupHook.Session;

/// <summary>
/// What `heapmon run` asks of the hooked process, fixed for the whole session. The CLI
/// builds it from options and passes it as <c>HEAPMON_*</c> variables; the session reads it back.
/// </summary>
internal sealed record RunOptions
{
    public IReadOnlyList<string> Track { get; init; } = [];
    public int ResolutionLevel { get; init; }
    public bool Trace { get; init; }
    public bool SnapshotAtStart { get; init; } = true;
    public bool SnapshotAtExit { get; init; } = true;
    public TimeSpan? Interval { get; init; }
    public bool SnapshotOnSignal { get; init; }
    public bool Alloc { get; init; }
    public int TracebackLimit { get; init; } = 1;
    public IReadOnlyList<StatsOutput> Outputs { get; init; } = [];
    public string? Garbage { get; init; }
    public bool Quiet { get; init; }

    /// <summary>
    /// The diagnostic port heapmon listens on when it samples allocations from outside (<c>heapmon run --alloc</c>);
    /// the hook keeps it from the processes the program starts, which would otherwise wait on it at startup.
    /// </summary>
    public string? DiagnosticPort { get; init; }

    // Variable names; docs/run.md documents each one, and the hook's bootstrap keeps the same list.
    public const string TrackVariable = "HEAPMON_TRACK";
    public const string ResolutionVariable = "HEAPMON_RESOLUTION";
    public const string TraceVariable = "HEAPMON_TRACE";
    public const string SnapshotAtVariable = "HEAPMON_SNAPSHOT_AT";
    public const string IntervalVariable = "HEAPMON_INTERVAL";
    public const string SnapshotOnSignalVariable = "HEAPMON_SNAPSHOT_ON_SIGNAL";
    public const string AllocVariable = "HEAPMON_ALLOC";
    public const string TracebackLimitVariable = "HEAPMON_TRACEBACK_LIMIT";
    public const string OutputVariable = "HEAPMON_OUTPUT";
    public const string GarbageVariable = "HEAPMON_GARBAGE";
    public const string QuietVariable = "HEAPMON_QUIET";
    /// <summary>Set by the launcher, not by options: the file the hook creates when it loads.</summary>
    public const string LoadedMarkerVariable = "HEAPMON_LOADED_MARKER";
    /// <summary>Set by the launcher under <c>--alloc</c>: the diagnostics port heapmon samples through, kept from the program's children.</summary>
    public const string DiagnosticPortVariable = "HEAPMON_DIAGNOSTIC_PORT";

    /// <summary>Every variable, in documentation order.</summary>
    public static IReadOnlyList<string> VariableNames { get; } =
    [
        TrackVariable, ResolutionVariable, TraceVariable, SnapshotAtVariable, IntervalVariable,
        SnapshotOnSignalVariable, AllocVariable, TracebackLimitVariable, OutputVariable, GarbageVariable, QuietVariable,
        LoadedMarkerVariable, DiagnosticPortVariable,
    ];

    /// <summary>Patterns are separated by ';', which no type name contains.</summary>
    public const char PatternSeparator = ';';

    /// <summary>Checks the combination; throws <see cref="ArgumentException"/> naming the option at fault.</summary>
    public RunOptions Validate()
    {
        foreach (string pattern in Track) TypePattern.Parse(pattern);
        if (ResolutionLevel < 0) throw new ArgumentException($"--resolution must be 0 or more, not {ResolutionLevel}.");
        if ((ResolutionLevel > 0 || Trace) && Track.Count == 0)
            throw new ArgumentException("--resolution and --trace apply to tracked classes: add --track PATTERN.");
        if (Interval is { } interval && interval <= TimeSpan.Zero)
            throw new ArgumentException($"--interval must be a positive number of seconds, not {interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)}.");
        if (TracebackLimit < 1) throw new ArgumentException($"--traceback-limit must be 1 or more, not {TracebackLimit}.");
        if (Garbage is not null && !Garbage.EndsWith(".dot", StringComparison.OrdinalIgnoreCase) && !Garbage.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--garbage writes a Graphviz file: give it a .dot (or .txt) name, not '{Garbage}'.");
        return this;
    }

    /// <summary>The <c>HEAPMON_*</c> variables that carry these options (paths made absolute).</summary>
    public IReadOnlyDictionary<string, string> ToEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Track.Count > 0) variables[TrackVariable] = string.Join(PatternSeparator, Track);
        if (ResolutionLevel != 0) variables[ResolutionVariable] = ResolutionLevel.ToString(CultureInfo.InvariantCulture);
        if (Trace) variables[TraceVariable] = "1";
        variables[SnapshotAtVariable] = (SnapshotAtStart, SnapshotAtExit) switch
        {
            (true, true) => "start,exit",
            (true, false) => "start",
            (false, true) => "exit",
            _ => "none",
        };
        if (Interval is { } interval) variables[IntervalVariable] = interval.TotalSeconds.ToString("R", CultureInfo.InvariantCulture);
        if (SnapshotOnSignal) variables[SnapshotOnSignalVariable] = "1";
        if (Alloc)
        {
            variables[AllocVariable] = "1";
            variables[TracebackLimitVariable] = TracebackLimit.ToString(CultureInfo.InvariantCulture);
        }
        if (Outputs.Count > 0) variables[OutputVariable] = string.Join(Path.PathSeparator, Outputs.Select(o => Path.GetFullPath(o.Path)));
        if (Garbage is not null) variables[GarbageVariable] = Path.GetFullPath(Garbage);
        if (Quiet) variables[QuietVariable] = "1";
        if (DiagnosticPort is not null) variables[DiagnosticPortVariable] = DiagnosticPort;
        return variables;
    }

    /// <summary>Reads the options back from <c>HEAPMON_*</c> variables; throws <see cref="ArgumentException"/> naming the variable at fault.</summary>
    public static RunOptions FromEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        string? Get(string name) => variables.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;

        bool atStart = true, atExit = true;
        if (Get(SnapshotAtVariable) is { } at)
        {
            atStart = atExit = false;
            foreach (string part in at.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                switch (part.ToLowerInvariant())
                {
                    case "start": atStart = true; break;
                    case "exit": atExit = true; break;
                    case "none": break;
                    default: throw new ArgumentException($"{SnapshotAtVariable}: '{part}' is not one of start, exit, none.");
                }
            }
        }

        return new RunOptions
        {
            Track = Get(TrackVariable)?.Split(PatternSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            ResolutionLevel = Get(ResolutionVariable) is { } r ? ParseInt(ResolutionVariable, r) : 0,
            Trace = Get(TraceVariable) is { } t && ParseFlag(TraceVariable, t),
            SnapshotAtStart = atStart,
            SnapshotAtExit = atExit,
            Interval = Get(IntervalVariable) is { } i ? TimeSpan.FromSeconds(ParseSeconds(IntervalVariable, i)) : null,
            SnapshotOnSignal = Get(SnapshotOnSignalVariable) is { } s && ParseFlag(SnapshotOnSignalVariable, s),
            Alloc = Get(AllocVariable) is { } a && ParseFlag(AllocVariable, a),
            TracebackLimit = Get(TracebackLimitVariable) is { } l ? ParseInt(TracebackLimitVariable, l) : 1,
            Outputs = Get(OutputVariable)?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(StatsOutput.Parse).ToArray() ?? [],
            Garbage = Get(GarbageVariable),
            Quiet = Get(QuietVariable) is { } q && ParseFlag(QuietVariable, q),
            DiagnosticPort = Get(DiagnosticPortVariable),
        }.Validate();
    }

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n
        : throw new ArgumentException($"{name}: '{value}' is not a whole number.");

    private static double ParseSeconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds) && seconds > 0
            ? seconds
            : throw new ArgumentException($"{name}: '{value}' is not a positive number of seconds.");

    private static bool ParseFlag(string name, string value) => value.ToLowerInvariant() switch
    {
        "1" or "true" or "yes" => true,
        "0" or "false" or "no" => false,
        _ => throw new ArgumentException($"{name}: '{value}' is not 1 or 0."),
    };
}
