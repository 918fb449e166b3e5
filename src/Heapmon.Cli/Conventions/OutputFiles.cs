using System.Text.RegularExpressions;

namespace Heapmon.Cli;

/// <summary>
/// Output files: every path checked before any work (a bad one costs nothing), and written one by
/// one afterwards with one "wrote" line each; a failure says which files were written.
/// </summary>
internal static partial class OutputFiles
{
    /// <summary>Refuses, before any work, a path that cannot be written: no folder, a folder given as a file, an unwritable folder, a name given twice.</summary>
    /// <exception cref="CliUsageException">The first bad path, in one line.</exception>
    public static void Check(IEnumerable<string> paths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            string full = CheckOne(path);
            if (!seen.Add(full)) throw new CliUsageException($"{path} is given twice as an output");
        }
    }

    /// <summary>Checks one path; returns its full form.</summary>
    public static string CheckOne(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliUsageException("an output needs a file name");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full) || Path.EndsInDirectorySeparator(path))
            throw new CliUsageException($"cannot write {path}: it is a folder; give a file name");
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new CliUsageException(File.Exists(folder)
                ? $"cannot write {path}: {folder} is a file, not a folder"
                : $"cannot write {path}: the folder {folder} does not exist");
        string probe = Path.Combine(folder, $".heapmon-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(probe, folder, StringComparison.Ordinal);
            throw new CliUsageException($"cannot write {path}: the folder {folder} is not writable ({reason})");
        }
        return full;
    }

    /// <summary>
    /// Writes each output in turn and reports it; if one fails, the error names it and the files
    /// already written (each atomic, so none is half-written).
    /// </summary>
    /// <exception cref="CliFailureException">An output could not be written.</exception>
    public static void WriteAll(CliContext context, IEnumerable<(string Path, Action Write)> outputs)
    {
        var written = new List<string>();
        foreach ((string path, Action write) in outputs)
        {
            try
            {
                write();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                string done = written.Count == 0 ? "nothing was written" : "written: " + string.Join(", ", written);
                throw new CliFailureException($"cannot write {path}: {WithoutTempNames(e.Message)}; {done}");
            }
            written.Add(path);
            context.Wrote(path);
        }
    }

    /// <summary>Heapmon's atomic writes go through <c>.NAME.PID.GUID.tmp</c> beside the target: a message names NAME, never the temporary file.</summary>
    public static string WithoutTempNames(string message) => TempName().Replace(message, "${name}");

    [GeneratedRegex(@"\.(?<name>[^/\\\s'""]+)\.\d+\.[0-9a-f]{32}\.tmp")]
    private static partial Regex TempName();
}
