namespace Heapmon.Cli.Commands;

/// <summary>Output paths are checked before any work: a run that cannot write its outputs would be lost.</summary>
internal static class OutputFolder
{
    /// <summary>Throws a <see cref="CliUsageException"/> unless <paramref name="path"/>'s folder exists and can be written.</summary>
    public static void CheckWritable(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
            throw new CliUsageException($"cannot write {path}: the folder {directory} does not exist.");
        string probe = Path.Combine(directory, $".heapmon-probe-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot write {path}: the folder {directory} is not writable ({e.Message}).");
        }
    }
}
