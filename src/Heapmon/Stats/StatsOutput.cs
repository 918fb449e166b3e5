using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>What an output file holds, chosen by its extension.</summary>
public enum StatsOutputKind
{
    /// <summary>The stats dump (<c>.json.gz</c> or <c>.dat</c>), loadable by <c>heapmon stats</c> (Pympler: dump_stats).</summary>
    Dump,
    /// <summary>The HTML report (Pympler: HtmlStats.create_html).</summary>
    Html,
    /// <summary>The text summary (Pympler: print_summary).</summary>
    Summary,
}

/// <summary>
/// One output file of a profiling run, its kind taken from the extension (the Heapmonitor's
/// <c>--heapprofile=heap.dat|heap.html</c>); shared by <c>heapmon demo</c> and <c>heapmon run</c>.
/// </summary>
public sealed record StatsOutput(string Path, StatsOutputKind Kind)
{
    private static readonly (string Extension, StatsOutputKind Kind)[] s_extensions =
    [
        (".json.gz", StatsOutputKind.Dump), (".dat", StatsOutputKind.Dump),
        (".html", StatsOutputKind.Html), (".htm", StatsOutputKind.Html),
        (".txt", StatsOutputKind.Summary),
    ];

    /// <summary>The path without its output extension: <c>x.json.gz</c> gives <c>x</c> (for files written beside it).</summary>
    public string Stem => Path[..^s_extensions.First(e => Path.EndsWith(e.Extension, StringComparison.OrdinalIgnoreCase)).Extension.Length];

    /// <summary>Recognises the kind from the extension.</summary>
    /// <exception cref="ArgumentException">The extension is not .json.gz, .dat, .html, .htm or .txt, or the path names a folder.</exception>
    public static StatsOutput Parse(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        if (name.Length == 0) throw new ArgumentException($"--output '{path}' names a folder, not a file.");
        foreach ((string extension, StatsOutputKind kind) in s_extensions)
            if (name.EndsWith(extension, StringComparison.Ordinal)) return new StatsOutput(path, kind);
        throw new ArgumentException(
            $"--output '{path}': unknown kind of file; use .json.gz or .dat (stats dump), .html (report) or .txt (summary).");
    }

    /// <summary>Writes <paramref name="data"/> to this file, atomically, with the library's own writers.</summary>
    public void Write(TrackerData data)
    {
        switch (Kind)
        {
            case StatsOutputKind.Dump:
                new TrackerStats(data).DumpStats(Path);
                break;
            case StatsOutputKind.Html:
                new HtmlStats(data).CreateHtml(Path);
                break;
            case StatsOutputKind.Summary:
                var text = new StringWriter { NewLine = "\n" };
                new ConsoleStats(data, text).PrintSummary();
                AtomicFile.WriteAllText(Path, text.ToString());
                break;
            default:
                throw new InvalidOperationException($"unknown output kind {Kind}");
        }
    }
}
