using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Heapmon.Garbage;

/// <summary>
/// Writes cycles and retention paths as Graphviz DOT (Heapmonitor: --garbage=leakgraph.txt) and
/// renders DOT to SVG or PDF with Graphviz's own <c>dot</c> when it is installed.
/// </summary>
public static class GraphvizWriter
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the cycles of <paramref name="report"/> to <paramref name="path"/> as DOT (atomically).</summary>
    public static void Write(string path, CycleReport report) => AtomicFile.WriteAllText(path, ToDot(report));

    /// <summary>Writes the retention paths of <paramref name="report"/> to <paramref name="path"/> as DOT (atomically).</summary>
    public static void Write(string path, RetentionReport report) => AtomicFile.WriteAllText(path, ToDot(report));

    /// <summary>The DOT text of a cycle report: one cluster per cycle, nodes labelled type/name/size, edges labelled with fields.</summary>
    public static string ToDot(CycleReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = Begin("garbage", $"{report.Cycles.Count} reference cycles among {report.ObjectsExamined:N0} objects");
        for (int c = 0; c < report.Cycles.Count; c++)
        {
            ReferenceCycle cycle = report.Cycles[c];
            sb.AppendLine(s_inv, $"  subgraph cluster_{c} {{");
            sb.AppendLine(s_inv, $"    label={Quote($"cycle {c + 1}: {cycle.ObjectCount} object{(cycle.ObjectCount == 1 ? "" : "s")}, {ByteUnits.Compact(cycle.TotalSize)}")};");
            foreach (HeapObjectInfo o in cycle.Objects) sb.AppendLine(s_inv, $"    {Node(o)};");
            sb.AppendLine("  }");
            foreach (ObjectReference r in cycle.References)
                sb.AppendLine(s_inv, $"  {Id(cycle.Objects[r.From])} -> {Id(cycle.Objects[r.To])} [label={Quote(r.Field)}];");
        }
        return End(sb);
    }

    /// <summary>The DOT text of a retention report: roots as ellipses, the target in bold, edges labelled with fields.</summary>
    public static string ToDot(RetentionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = Begin("retention", $"what keeps {report.Target.TypeName} alive" + (report.IncludesStackRoots ? "" : " (no stack roots)"));
        var nodes = new HashSet<ulong>();
        var edges = new HashSet<string>(StringComparer.Ordinal);
        sb.AppendLine(s_inv, $"  {Id(report.Target)} [label={Quote(NodeLabel(report.Target))}, style=bold, color=red];");
        nodes.Add(report.Target.Address);
        for (int p = 0; p < report.Paths.Count; p++)
        {
            RetentionPath path = report.Paths[p];
            string root = "root" + p.ToString(s_inv);
            sb.AppendLine(s_inv, $"  {root} [shape=ellipse, style=filled, fillcolor=lightyellow, label={Quote(path.Root.Label)}];");
            sb.AppendLine(s_inv, $"  {root} -> {Id(path.Objects[0])};");
            for (int i = 0; i < path.Objects.Count; i++)
            {
                if (nodes.Add(path.Objects[i].Address)) sb.AppendLine(s_inv, $"  {Node(path.Objects[i])};");
                if (i == 0) continue;
                string edge = $"  {Id(path.Objects[i - 1])} -> {Id(path.Objects[i])} [label={Quote(path.Fields[i - 1])}];";
                if (edges.Add(edge)) sb.AppendLine(edge);
            }
        }
        return End(sb);
    }

    /// <summary>
    /// Renders a DOT file with Graphviz's <c>dot</c> (format from the output's extension: svg, pdf, png).
    /// </summary>
    /// <exception cref="FileNotFoundException"><c>dot</c> is not installed (the message says how to install it).</exception>
    /// <exception cref="IOException"><c>dot</c> rejected the file.</exception>
    public static void Render(string dotPath, string outputPath) => Render(dotPath, outputPath, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>Renders with the <c>dot</c> found in <paramref name="pathVariable"/> (tests pass their own PATH).</summary>
    internal static void Render(string dotPath, string outputPath, string? pathVariable)
    {
        string format = Path.GetExtension(outputPath).TrimStart('.').ToLowerInvariant();
        if (format is not ("svg" or "pdf" or "png" or "ps"))
            throw new ArgumentException($"Cannot render to '{outputPath}': use an .svg, .pdf, .png or .ps file name.", nameof(outputPath));
        string dot = FindDot(pathVariable)
            ?? throw new FileNotFoundException(DotMissingMessage);
        string full = Path.GetFullPath(outputPath);
        string temp = AtomicFile.TempPathBeside(full);
        try
        {
            var info = new ProcessStartInfo(dot) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in new[] { "-T" + format, "-o", temp, dotPath }) info.ArgumentList.Add(arg);
            using Process process = Process.Start(info)!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new IOException($"Graphviz's dot did not finish rendering '{dotPath}' within 2 minutes.");
            }
            if (process.ExitCode != 0 || !File.Exists(temp))
                throw new IOException($"Graphviz's dot could not render '{dotPath}' (exit {process.ExitCode}): {stderr.Result.Trim()}");
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>True when Graphviz's <c>dot</c> is on the PATH.</summary>
    public static bool IsDotInstalled => FindDot(Environment.GetEnvironmentVariable("PATH")) is not null;

    internal const string DotMissingMessage =
        "Graphviz's `dot` is not installed (not found on PATH), so SVG/PDF cannot be rendered. " +
        "Install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), " +
        "or write the graph with --dot FILE and render it elsewhere with `dot -Tsvg FILE -o out.svg`.";

    /// <summary>The full path of <c>dot</c> in <paramref name="pathVariable"/>'s folders, or null.</summary>
    internal static string? FindDot(string? pathVariable)
    {
        foreach (string dir in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in OperatingSystem.IsWindows() ? new[] { "dot.exe" } : ["dot"])
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>A DOT double-quoted string: backslashes and quotes escaped, line breaks as \n, other controls dropped.</summary>
    internal static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (char ch in text)
        {
            switch (ch)
            {
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': break;
                default:
                    if (!char.IsControl(ch)) sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static string NodeLabel(HeapObjectInfo o) =>
        o.TypeName + (o.Name is null ? "" : "\n" + o.Name) + "\n" + ByteUnits.Compact(o.Size);

    private static string Node(HeapObjectInfo o) => $"{Id(o)} [label={Quote(NodeLabel(o))}]";

    private static string Id(HeapObjectInfo o) => "o" + o.Address.ToString("x", s_inv);

    private static StringBuilder Begin(string name, string label)
    {
        var sb = new StringBuilder();
        sb.AppendLine(s_inv, $"digraph {name} {{");
        sb.AppendLine(s_inv, $"  label={Quote(label)};");
        sb.AppendLine("  labelloc=t;");
        sb.AppendLine("  node [shape=box, fontname=\"monospace\", fontsize=10];");
        sb.AppendLine("  edge [fontname=\"monospace\", fontsize=9];");
        return sb;
    }

    private static string End(StringBuilder sb) => sb.AppendLine("}").ToString();
}
