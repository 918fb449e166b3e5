using System.CommandLine;
using System.Text.RegularExpressions;
using Heapmon.Cli;
using static Heapmon.Tests.CliRunner;

namespace Heapmon.Tests.Cli;

/// <summary>One convention for every command: names, placeholders, global options, help, examples, exit codes.</summary>
public sealed partial class CliConventionsTests
{
    private static readonly Command s_root = HeapmonCli.Build(new CliContext(TextWriter.Null, TextWriter.Null));

    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(c => Commands(c).Prepend(c));

    [Fact]
    public void OneMeaningHasOneLongAndShortNameAcrossCommands()
    {
        var shortToLong = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Command command in Commands(s_root))
            foreach (Option option in command.Options)
            {
                string[] shorts = [.. option.Aliases.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
                if (CliOptions.Shared.TryGetValue(option.Name, out string? expected))
                    Assert.True(expected is null ? shorts.Length == 0 : shorts.SequenceEqual([expected]), $"{command.Name} {option.Name}: short name {string.Join(",", shorts)}, not {expected}");
                foreach (string alias in shorts)
                {
                    string owner = shortToLong.TryGetValue(alias, out string? o) ? o : shortToLong[alias] = option.Name;
                    Assert.True(owner == option.Name, $"{alias} means {owner} in one command and {option.Name} in '{command.Name}'");
                    string? reserved = CliOptions.Shared.FirstOrDefault(s => s.Value == alias).Key;
                    Assert.True(reserved is null || reserved == option.Name, $"'{command.Name}' gives {alias} to {option.Name}; it belongs to {reserved}");
                }
            }
        Assert.Equal("--output", shortToLong["-o"]);
        Assert.Equal("--top", shortToLong["-n"]);
    }

    [Fact]
    public void EveryValueHasAnUpperCasePlaceholder()
    {
        foreach (Command command in Commands(s_root))
        {
            foreach (Option option in command.Options.Where(o => o.ValueType != typeof(bool) && o.Arity.MaximumNumberOfValues > 0 && !o.Hidden))
                Assert.True(option.HelpName is { } name && Placeholder().IsMatch(name), $"{command.Name} {option.Name}: placeholder '{option.HelpName}'");
            foreach (Argument argument in command.Arguments)
                Assert.True(Placeholder().IsMatch(argument.HelpName ?? argument.Name), $"{command.Name} argument '{argument.Name}'");
        }
    }

    [Fact]
    public void QuietAndNoColorAreAcceptedByEveryCommand()
    {
        foreach (Command command in Commands(s_root))
        {
            ParseResult parse = s_root.Parse([command.Name, "--quiet", "--no-color", "-q"]);
            Assert.DoesNotContain(parse.Errors, e => e.Message.Contains("--quiet") || e.Message.Contains("--no-color") || e.Message.Contains("'-q'"));
            (int exit, string help, string error) = RunCli(command.Name, "--help");
            Assert.True(exit == 0 && error == "", $"{command.Name} --help: exit {exit}, {error}");
            Assert.Contains("-q, --quiet", help);
            Assert.Contains("--no-color", help);
        }
    }

    [Fact]
    public void EveryExampleInHelpParsesWithoutError()
    {
        int examples = 0;
        foreach (Command command in Commands(s_root).Prepend(s_root))
            foreach (string example in CliHelp.ExamplesOf(command))
            {
                string[] words = ShellWords(Comment().Replace(example, ""));
                if (words.Contains("<command>")) continue;
                Assert.Equal("heapmon", words[0]);
                ParseResult parse = s_root.Parse(words[1..]);
                Assert.True(parse.Errors.Count == 0, $"{example}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
                examples++;
            }
        Assert.True(examples >= 15, $"only {examples} examples");
    }

    [Fact]
    public void TheExitCodesInHelpAreTheDocumentedOnes()
    {
        (int exit, string help, _) = RunCli("--help");
        Assert.Equal(0, exit);
        string doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "cli.md"));
        foreach ((string code, string meaning) in ExitCodes.Table)
        {
            Assert.Matches($@"\n  {Regex.Escape(code)} +{Regex.Escape(meaning)}\n", help);
            Assert.Contains($"| {code} | {meaning} |", doc);
        }
        Assert.Equal(ExitCodes.Table.Count, doc.Split('\n').Count(l => DocExitRow().IsMatch(l)));
    }

    [Theory]
    [InlineData(new[] { "stats", "--bogus", "good.json.gz" }, "unknown option '--bogus'; see 'heapmon stats --help'")]
    [InlineData(new[] { "stats", "--top", "abc", "good.json.gz" }, "--top takes a whole number, not 'abc'; see 'heapmon stats --help'")]
    [InlineData(new[] { "stats", "--limit", "3", "good.json.gz" }, "unknown option '--limit' (did you mean '--top'?); see 'heapmon stats --help'")]
    [InlineData(new[] { "stats", "--sumary", "good.json.gz" }, "unknown option '--sumary' (did you mean '--summary'?); see 'heapmon stats --help'")]
    [InlineData(new[] { "stats" }, "missing FILE; see 'heapmon stats --help'")]
    [InlineData(new[] { "demo", "--outptu", "x.html" }, "unknown option '--outptu' (did you mean '--output'?); see 'heapmon demo --help'")]
    [InlineData(new[] { "census", "--demo", "--top" }, "--top needs a value (N); see 'heapmon census --help'")]
    [InlineData(new[] { "census", "--demo", "--top", "0" }, "--top must be 1 or more, not 0; see 'heapmon census --help'")]
    [InlineData(new[] { "garbage", "--demo", "--graph", "all" }, "--graph: 'all' is not one of cycles, retention; see 'heapmon garbage --help'")]
    [InlineData(new[] { "size", "--demo", "extra" }, "unexpected argument 'extra'; see 'heapmon size --help'")]
    [InlineData(new[] { "stast", "x" }, "unknown command 'stast' (did you mean 'stats'?); see 'heapmon --help'")]
    [InlineData(new[] { "run", "--interval", "soon", "--", "true" }, "--interval must be a positive number of seconds, not 'soon'; see 'heapmon run --help'")]
    [InlineData(new[] { "run", "--track" }, "--track needs a value (PATTERN); see 'heapmon run --help'")]
    public void AParseErrorIsOneLineNamingTheWordAtFault(string[] args, string message)
    {
        (int exit, string output, string error) = RunCli(args);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Equal("", output);
        Assert.Equal($"heapmon: error: {message}\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void NoColorVariableAndOptionTurnColourOffQuietDropsTheWroteLines()
    {
        string dir = TestPaths.NewTempDirectory("cli-quiet");
        try
        {
            string html = Path.Combine(dir, "r.html"), dump = Path.Combine(dir, "r.json.gz");
            new Heapmon.Stats.TrackerStats(Html.TrackerDataFixtures.Factory()).DumpStats(dump);

            (int exit, string output, string error) = RunCli("html", dump, "-o", html);
            Assert.Equal(0, exit);
            Assert.Equal("", output);
            Assert.Equal($"heapmon: wrote {html} ({ByteUnits.Compact(new FileInfo(html).Length)})\n", error.ReplaceLineEndings("\n"));

            (exit, output, error) = RunCli("html", dump, "-o", html, "--quiet");
            Assert.Equal((0, "", ""), (exit, output, error));

            var context = new CliContext(TextWriter.Null, TextWriter.Null, name => name == "NO_COLOR" ? "1" : null);
            Assert.False(context.Color);
            Assert.Null(new CliContext(TextWriter.Null, TextWriter.Null, _ => null).Color);
            Assert.Null(new CliContext(TextWriter.Null, TextWriter.Null, name => name == "NO_COLOR" ? "" : null).Color);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Splits an example as a POSIX shell would: spaces separate words, quotes group them.</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in line)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; else word.Append(c); continue; }
            if (c is '\'' or '"') { quote = c; inWord = true; continue; }
            if (c == ' ') { if (inWord) words.Add(word.ToString()); word.Clear(); inWord = false; continue; }
            word.Append(c);
            inWord = true;
        }
        if (inWord) words.Add(word.ToString());
        return [.. words];
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]*(\\[:[A-Z]+\\])?$")]
    private static partial Regex Placeholder();

    [GeneratedRegex("\\s{3,}.*$|\\s+\\(an unchanged program\\)$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^\| (\d+|other) \| ")]
    private static partial Regex DocExitRow();
}
