namespace Heapmon;

/// <summary>
/// A file Heapmon was asked to read is not one it can load: missing, of another format, truncated,
/// corrupt or from a newer version. The message names the file and the problem in one line.
/// </summary>
public sealed class HeapmonFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with a one-line <paramref name="problem"/>.</summary>
    public HeapmonFormatException(string path, string problem, Exception? inner = null)
        : this(path, null, null, problem, inner)
    {
    }

    /// <summary>Creates the exception for <paramref name="path"/>, a file of <paramref name="format"/> (version <paramref name="version"/>, when read) with a one-line <paramref name="problem"/>.</summary>
    public HeapmonFormatException(string path, string? format, int? version, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Format = format;
        Version = version;
        Problem = problem;
    }

    /// <summary>The file that could not be loaded.</summary>
    public string Path { get; }

    /// <summary>The format the file was expected to have ("heapmon-stats", "heapmon-heap-snapshot"), when known.</summary>
    public string? Format { get; }

    /// <summary>The format version the file says it has, when its header could be read.</summary>
    public int? Version { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Problem { get; }
}
