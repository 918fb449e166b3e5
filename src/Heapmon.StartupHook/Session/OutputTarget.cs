namespace Heapmon.StartupHook.Session;

/// <summary>What an output file holds, from its extension.</summary>
internal enum OutputKind
{
    /// <summary>The stats dump (<c>.json.gz</c> or <c>.dat</c>), loadable by <c>heapmon stats</c> (Pympler: dump_stats).</summary>
    Dump,
    /// <summary>The HTML report (Pympler: HtmlStats.create_html).</summary>
    Html,
    /// <summary>The text summary (Pympler: print_summary).</summary>
    Summary,
}

/// <summary>One <c>--output FILE</c>: where, and what kind of file its extension asks for.</summary>
internal sealed record OutputTarget(string Path, OutputKind Kind)
{
    /// <summary>The path without its output extension (<c>.json.gz</c>, <c>.dat</c>, <c>.html</c>, <c>.htm</c>, <c>.txt</c>).</summary>
    public static string WithoutExtension(string path)
    {
        foreach (string extension in new[] { ".json.gz", ".dat", ".html", ".htm", ".txt" })
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return path[..^extension.Length];
        return path;
    }

    /// <summary>Recognises the kind from the extension; throws <see cref="ArgumentException"/> for any other.</summary>
    public static OutputTarget Parse(string path)
    {
        string name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        if (name.Length == 0) throw new ArgumentException($"--output '{path}' names a folder, not a file.");
        OutputKind kind = name switch
        {
            _ when name.EndsWith(".json.gz", StringComparison.Ordinal) || name.EndsWith(".dat", StringComparison.Ordinal) => OutputKind.Dump,
            _ when name.EndsWith(".html", StringComparison.Ordinal) || name.EndsWith(".htm", StringComparison.Ordinal) => OutputKind.Html,
            _ when name.EndsWith(".txt", StringComparison.Ordinal) => OutputKind.Summary,
            _ => throw new ArgumentException(
                $"--output '{path}': unknown kind of file; use .json.gz or .dat (stats dump), .html (report) or .txt (summary)."),
        };
        return new OutputTarget(path, kind);
    }
}
