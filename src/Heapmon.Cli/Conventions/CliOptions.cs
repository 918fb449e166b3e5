using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Heapmon.Cli;

/// <summary>
/// The options several commands share, made here so that one meaning has one long name, one short
/// name and one placeholder in every command (a test checks every command against <see cref="Shared"/>).
/// Numbers are parsed here too, so a bad value is one line naming the option, not a .NET type.
/// </summary>
internal static class CliOptions
{
    /// <summary>Long name → short name of every shared option; no other option may take these short names.</summary>
    public static IReadOnlyDictionary<string, string?> Shared { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["--output"] = "-o", ["--top"] = "-n", ["--track"] = "-t", ["--pid"] = "-p",
        ["--interval"] = null, ["--duration"] = null, ["--quiet"] = "-q", ["--no-color"] = null,
        ["--filter"] = "-f", ["--sort"] = "-s",
    };

    /// <summary>Names earlier versions used, and the option that took over their meaning (for "did you mean").</summary>
    public static IReadOnlyDictionary<string, string> Renamed { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--limit"] = "--top", ["--number"] = "--top", ["--dot"] = "--output", ["--svg"] = "--output", ["--pdf"] = "--output",
    };

    /// <summary><c>--output/-o FILE</c>, repeatable; the extension picks the kind of file.</summary>
    public static Option<string[]> Outputs(string description, params string[] defaults)
    {
        var option = new Option<string[]>("--output", "-o") { Description = description, HelpName = "FILE", AllowMultipleArgumentsPerToken = false };
        if (defaults.Length > 0) option.DefaultValueFactory = _ => defaults;
        return option;
    }

    /// <summary><c>--output/-o FILE</c>, once.</summary>
    public static Option<string?> Output(string description) =>
        new("--output", "-o") { Description = description, HelpName = "FILE" };

    /// <summary><c>--top/-n N</c>: how many rows to show, at least <paramref name="minimum"/>.</summary>
    public static Option<int> Top(string description, int defaultValue, int minimum = 0) =>
        WholeNumber("--top", "-n", "N", description, defaultValue, minimum);

    /// <summary><c>--top/-n N</c> with no default: everything unless given.</summary>
    public static Option<int?> TopOrAll(string description, int minimum = 0) => WholeNumberOrNone("--top", "-n", "N", description, minimum);

    /// <summary><c>--track/-t PATTERN</c>, repeatable: type names with <c>*</c> wildcards.</summary>
    public static Option<string[]> Track(string description) =>
        new("--track", "-t") { Description = description, HelpName = "PATTERN", AllowMultipleArgumentsPerToken = false };

    /// <summary><c>--pid/-p PID</c>: the process to reach.</summary>
    public static Option<int?> Pid(string description) =>
        new("--pid", "-p") { Description = description, HelpName = "PID", CustomParser = r => ParseWholeNumber(r, "--pid", 1) };

    /// <summary><c>--interval SECONDS</c>: a positive number of seconds (0.5, 10).</summary>
    public static Option<TimeSpan?> Interval(string description) => Seconds("--interval", description);

    /// <summary><c>--duration SECONDS</c>: a positive number of seconds.</summary>
    public static Option<TimeSpan?> Duration(string description) => Seconds("--duration", description);

    /// <summary><c>--filter/-f PATTERN</c>: names containing the text, or matching it with <c>*</c>.</summary>
    public static Option<string?> Filter(string description) =>
        new("--filter", "-f") { Description = description, HelpName = "PATTERN" };

    /// <summary>A whole-number option of the command's own, with the same one-line errors as the shared ones.</summary>
    public static Option<int> WholeNumber(string name, string? alias, string helpName, string description, int defaultValue, int minimum = 0)
    {
        Option<int> option = alias is null ? new(name) : new(name, alias);
        option.Description = description;
        option.HelpName = helpName;
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = r => ParseWholeNumber(r, name, minimum) ?? defaultValue;
        return option;
    }

    /// <summary>A whole-number option of the command's own with no default (null when not given).</summary>
    public static Option<int?> WholeNumberOrNone(string name, string? alias, string helpName, string description, int minimum = 0)
    {
        Option<int?> option = alias is null ? new(name) : new(name, alias);
        option.Description = description;
        option.HelpName = helpName;
        option.CustomParser = r => ParseWholeNumber(r, name, minimum);
        return option;
    }

    /// <summary>The global <c>--quiet/-q</c>, given to the root command and seen by every subcommand.</summary>
    internal static Option<bool> Quiet() =>
        new("--quiet", "-q") { Description = "Print no \"wrote\" lines or notes (results, warnings and errors still print).", Recursive = true };

    /// <summary>The global <c>--no-color</c>, also set by a non-empty NO_COLOR variable.</summary>
    internal static Option<bool> NoColor() =>
        new("--no-color") { Description = "Never use colours (also when the NO_COLOR environment variable is set).", Recursive = true };

    private static Option<TimeSpan?> Seconds(string name, string description) =>
        new(name) { Description = description, HelpName = "SECONDS", CustomParser = r => ParseSeconds(r, name) };

    private static int? ParseWholeNumber(ArgumentResult result, string name, int minimum)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            result.AddError($"{name} takes a whole number, not '{text}'");
        else if (value < minimum)
            result.AddError($"{name} must be {minimum} or more, not {value}");
        else return value;
        return null;
    }

    private static TimeSpan? ParseSeconds(ArgumentResult result, string name)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            && double.IsFinite(seconds) && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
            return TimeSpan.FromSeconds(seconds);
        result.AddError($"{name} must be a positive number of seconds, not '{text}'");
        return null;
    }
}
