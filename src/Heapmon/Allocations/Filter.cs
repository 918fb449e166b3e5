using System.Text.RegularExpressions;
using Heapmon.Model;

namespace Heapmon.Allocations;

/// <summary>
/// Selects allocations by source file (pattern with <c>*</c> wildcards), optional line, and either the
/// most recent frame or any frame of the traceback (tracemalloc: Filter).
/// </summary>
public sealed class Filter
{
    private readonly Regex _regex;

    /// <summary>Creates a filter (tracemalloc: Filter(include, pattern, lineno, traceback)).</summary>
    /// <param name="include">True to keep only matching allocations, false to drop them.</param>
    /// <param name="pattern">File name pattern; <c>*</c> matches any substring, including an empty one.</param>
    /// <param name="lineNumber">Line to match; null or less than 1 matches any line.</param>
    /// <param name="traceback">Check every frame of the traceback, not only the most recent one.</param>
    public Filter(bool include, string pattern, int? lineNumber = null, bool traceback = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Include = include;
        Pattern = pattern;
        LineNumber = lineNumber is > 0 ? lineNumber : null;
        Traceback = traceback;
        string normalized = Normalize(pattern);
        _regex = new Regex("^" + string.Join(".*", normalized.Split('*').Select(Regex.Escape)) + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant | (OperatingSystem.IsWindows() ? RegexOptions.IgnoreCase : RegexOptions.None));
    }

    /// <summary>True: keep only matching allocations; false: drop matching allocations.</summary>
    public bool Include { get; }

    /// <summary>The file name pattern.</summary>
    public string Pattern { get; }

    /// <summary>The line to match, or null for any line.</summary>
    public int? LineNumber { get; }

    /// <summary>Whether every frame of the traceback is checked, not only the most recent.</summary>
    public bool Traceback { get; }

    /// <summary>True if the file name and line match (tracemalloc: Filter.match).</summary>
    public bool Match(string fileName, int lineNumber) => MatchFilename(fileName) && MatchLineNumber(lineNumber);

    /// <summary>True if the file name matches the pattern (tracemalloc: Filter.match_filename).</summary>
    public bool MatchFilename(string fileName) => _regex.IsMatch(Normalize(fileName));

    /// <summary>True if the line matches (tracemalloc: Filter.match_lineno).</summary>
    public bool MatchLineNumber(int lineNumber) => LineNumber is null || LineNumber == lineNumber;

    /// <summary>
    /// True if the traceback matches: its most recent frame, or with <see cref="Traceback"/> any frame
    /// (tracemalloc: Filter.match_traceback). An empty traceback is one frame <c>&lt;unknown&gt;:0</c>.
    /// </summary>
    public bool MatchTraceback(IReadOnlyList<TraceFrame> traceback)
    {
        if (traceback.Count == 0) return Match(UnknownFile, 0);
        if (!Traceback) return Match(traceback[0].FileName, traceback[0].LineNumber);
        foreach (TraceFrame frame in traceback)
            if (Match(frame.FileName, frame.LineNumber)) return true;
        return false;
    }

    /// <summary>The filter in the CLI's syntax: <c>+pattern:line</c> or <c>-pattern</c>.</summary>
    public override string ToString() =>
        (Include ? "+" : "-") + Pattern + (LineNumber is { } line ? ":" + line.ToString(System.Globalization.CultureInfo.InvariantCulture) : "") + (Traceback ? " (traceback)" : "");

    /// <summary>The file name of an allocation with no traceback.</summary>
    internal const string UnknownFile = "<unknown>";

    /// <summary>Applies filters with tracemalloc's rule: any include filter must match, no exclude filter may match.</summary>
    internal static bool Accepts(IReadOnlyList<Filter> filters, IReadOnlyList<TraceFrame> traceback)
    {
        bool anyInclude = false, included = false;
        foreach (Filter filter in filters)
        {
            bool match = filter.MatchTraceback(traceback);
            if (filter.Include)
            {
                anyInclude = true;
                included |= match;
            }
            else if (match)
            {
                return false;
            }
        }
        return !anyInclude || included;
    }

    private static string Normalize(string path) => OperatingSystem.IsWindows() ? path.Replace('/', '\\') : path;
}
