namespace Heapmon.Garbage;

/// <summary>Writes a file through a temporary file and a rename, so a reader never sees half of it.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string temp = TempPathBeside(full);
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A temporary file name in the same folder (so the rename stays on one file system).</summary>
    public static string TempPathBeside(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
}
