using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Heapmon.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into one line: the token at fault named first (an unknown
/// option, not the valid file after it), "did you mean" for a misspelling, and where help is.
/// </summary>
internal static partial class ParseErrors
{
    /// <summary>
    /// The one line (without the "heapmon: error: " prefix) for a command line with a mistake, or null.
    /// A word that looks like an option but is none is a mistake even where System.CommandLine would
    /// take it for a file name (<c>heapmon alloc -f snap.json</c>).
    /// </summary>
    public static string? Find(ParseResult parse)
    {
        CommandResult commandResult = parse.CommandResult;
        Command command = commandResult.Command;
        string? message = UnknownOption(parse, command);
        if (message is null && parse.Errors.Count == 0) return null;
        // An unknown command or stray argument explains the rest ("no command given" follows from it).
        ParseError? first = parse.Errors.FirstOrDefault(e => UnrecognizedToken().IsMatch(e.Message)) ?? parse.Errors.FirstOrDefault();
        message ??= Describe(first!, command);
        return $"{message.TrimEnd('.')}; see '{CommandPath(commandResult)} --help'";
    }

    /// <summary>The first word that looks like an option but is none of the command's: System.CommandLine takes it for an argument and blames the next one.</summary>
    private static string? UnknownOption(ParseResult parse, Command command)
    {
        Option[] options = [.. OptionsOf(command)];
        Token? previous = null;
        foreach (Token token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) break;
            if (token.Type == TokenType.Argument && LooksLikeOption(token.Value) && !TakesValue(previous, options))
            {
                string name = token.Value.Split('=', ':')[0];
                // One letter is too little to guess from: only long names get a suggestion.
                string? near = CliOptions.Renamed.TryGetValue(name, out string? renamed) && options.Any(o => o.Name == renamed) ? renamed
                    : name.StartsWith("--", StringComparison.Ordinal) ? Nearest(name, options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)))
                    : null;
                // `heapmon run -o x.html dotnet build -c Release`: the program's own options belong after --.
                string hint = command.Arguments.Any(a => a.Name == "COMMAND") ? " (the program's own options go after --)" : "";
                return $"unknown option '{name}'" + (near is null ? "" : $" (did you mean '{near}'?)") + hint;
            }
            previous = token;
        }
        return null;
    }

    private static string Describe(ParseError error, Command command)
    {
        string message = error.Message;
        if (message.StartsWith("Required command was not provided", StringComparison.Ordinal))
            return $"no command given: choose one of {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        if (UnrecognizedToken().Match(message) is { Success: true } unrecognized)
        {
            string token = unrecognized.Groups["token"].Value;
            if (command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            {
                string? near = Nearest(token, command.Subcommands.Select(c => c.Name));
                return $"unknown command '{token}'" + (near is null ? "" : $" (did you mean '{near}'?)");
            }
            return $"unexpected argument '{token}'";
        }
        if (message.StartsWith("Required argument missing for command", StringComparison.Ordinal))
            return $"missing {string.Join(" ", command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(a => a.HelpName ?? a.Name))}";
        if (error.SymbolResult is OptionResult { Option: { } option } && message.StartsWith("Required argument missing for option", StringComparison.Ordinal))
            return $"{option.Name} needs a value ({option.HelpName ?? "VALUE"})";
        if (NotRecognized().Match(message) is { Success: true } notAmong)
        {
            string among = string.Join(", ", NotRecognizedChoice().Matches(notAmong.Groups["choices"].Value).Select(m => m.Groups[1].Value));
            string prefix = error.SymbolResult is OptionResult { Option: { } o } ? o.Name + ": " : "";
            return $"{prefix}'{notAmong.Groups["value"].Value}' is not one of {among}";
        }
        if (CannotParse().Match(message) is { Success: true } cannotParse)
            return $"{cannotParse.Groups["option"].Value}: '{cannotParse.Groups["value"].Value}' is not a valid value";
        return Whitespace().Replace(message, " ").Trim();
    }

    /// <summary>The options a command accepts: its own and the recursive ones of the commands above it.</summary>
    private static IEnumerable<Option> OptionsOf(Command command)
    {
        foreach (Option option in command.Options) yield return option;
        foreach (Command parent in Ancestors(command))
            foreach (Option option in parent.Options.Where(o => o.Recursive)) yield return option;
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (Command? c = command.Parents.OfType<Command>().FirstOrDefault(); c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            yield return c;
    }

    private static bool LooksLikeOption(string value) =>
        value.Length > 1 && value[0] == '-' && !double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static bool TakesValue(Token? previous, Option[] options) =>
        previous is { Type: TokenType.Option } && options.FirstOrDefault(o => o.Name == previous.Value || o.Aliases.Contains(previous.Value)) is { } option
        && option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent) names.Add(c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The candidate nearest to <paramref name="text"/> (a unique prefix, or within a third of its length in edits), or null.</summary>
    internal static string? Nearest(string text, IEnumerable<string> candidates)
    {
        string[] all = [.. candidates.Distinct()];
        string[] prefixed = [.. all.Where(c => c.StartsWith(text, StringComparison.Ordinal))];
        if (text.TrimStart('-').Length > 0 && prefixed.Length == 1) return prefixed[0];
        (string? best, int distance) = (null, int.MaxValue);
        foreach (string candidate in all)
        {
            int d = EditDistance(text, candidate);
            if (d < distance) (best, distance) = (candidate, d);
        }
        return distance <= Math.Max(1, text.TrimStart('-').Length / 3) ? best : null;
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) from one text to the other.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"^Unrecognized command or argument '(?<token>.*)'\.?$")]
    private static partial Regex UnrecognizedToken();

    [GeneratedRegex(@"^Argument '(?<value>.*)' not recognized\. Must be one of:(?<choices>.*)$", RegexOptions.Singleline)]
    private static partial Regex NotRecognized();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex NotRecognizedChoice();

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)'")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
