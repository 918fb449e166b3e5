using System.CommandLine;

namespace Heapmon.Cli;

/// <summary>
/// Where a command writes, and the global settings every command honours (<c>--quiet</c>,
/// <c>--no-color</c>/<c>NO_COLOR</c>). Results go to <see cref="Output"/>; heapmon's own messages
/// ("wrote", warnings, errors) go to <see cref="Error"/>, as under <c>heapmon run</c>, where stdout is the program's.
/// </summary>
internal sealed class CliContext(TextWriter output, TextWriter error, Func<string, string?>? environment = null)
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>The command's results (tables, summaries, reports printed to the console).</summary>
    public TextWriter Output { get; } = output;

    /// <summary>heapmon's own messages, one line each, prefixed <c>heapmon:</c>.</summary>
    public TextWriter Error { get; } = error;

    /// <summary><c>--quiet</c>: no "wrote" lines or notes; warnings and errors still print.</summary>
    public bool Quiet { get; private set; }

    /// <summary>False with <c>--no-color</c> or a non-empty <c>NO_COLOR</c>; null lets the renderer decide (colour on a terminal).</summary>
    public bool? Color => _noColorOption || !string.IsNullOrEmpty(Variable("NO_COLOR")) ? false : null;

    private bool _noColorOption;

    /// <summary>
    /// The colour setting for a command that also has <c>--color</c>: it overrides <c>NO_COLOR</c>
    /// (a command-line choice beats the environment's, as no-color.org asks) but contradicts <c>--no-color</c>.
    /// </summary>
    /// <exception cref="CliUsageException">Both <c>--color</c> and <c>--no-color</c> were given.</exception>
    public bool? ColorForcedBy(bool colorOption)
    {
        if (colorOption && _noColorOption) throw new CliUsageException("--color and --no-color contradict each other");
        return colorOption ? true : Color;
    }

    /// <summary>An environment variable as this run sees it (tests pass their own).</summary>
    public string? Variable(string name) => _environment(name);

    /// <summary>Reads the global options once the command line is parsed.</summary>
    internal void Configure(ParseResult parse, Option<bool> quiet, Option<bool> noColor)
    {
        Quiet = parse.GetValue(quiet);
        _noColorOption = parse.GetValue(noColor);
    }

    /// <summary>The one message for a written file: <c>heapmon: wrote FILE (SIZE)</c> (silent with <c>--quiet</c>).</summary>
    public void Wrote(string path)
    {
        if (Quiet) return;
        long size = File.Exists(path) ? new FileInfo(path).Length : 0;
        Error.WriteLine($"heapmon: wrote {path} ({ByteUnits.Compact(size)})");
    }

    /// <summary>A note about the run (silent with <c>--quiet</c>).</summary>
    public void Note(string message)
    {
        if (!Quiet) Error.WriteLine($"heapmon: {message}");
    }

    /// <summary>A warning: the command goes on, but the user should know (printed even with <c>--quiet</c>).</summary>
    public void Warn(string message) => Error.WriteLine($"heapmon: warning: {message}");
}
