namespace Heapmon.Cli;

/// <summary>The exit codes of every heapmon command, shown by <c>heapmon --help</c> and in docs/cli.md (a test keeps them equal).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The work could not be completed (a heap walk kept being interrupted, Graphviz failed, an output could not be written after the work).</summary>
    public const int Failure = 1;

    /// <summary>Bad input, refused before any work: an unknown option, a bad value, an unreadable input file, an output that cannot be written.</summary>
    public const int UsageError = 2;

    /// <summary><c>heapmon run</c>: the program could not be started (not found, not executable), as shells report it.</summary>
    public const int CommandNotFound = 127;

    /// <summary>Interrupted with Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>The table, one row per code, as help and docs print it.</summary>
    public static IReadOnlyList<(string Code, string Meaning)> Table { get; } =
    [
        ("0", "success"),
        ("1", "the work could not be completed (the message says why, and which files were written)"),
        ("2", "bad input: unknown option, bad value, unreadable input file, unwritable output; nothing was done"),
        ("127", "heapmon run: the program could not be started"),
        ("130", "interrupted (Ctrl-C)"),
        ("other", "heapmon run: the program's own exit code (128+N when signal N ended it)"),
    ];

    /// <summary>The table as the "Exit codes:" section of <c>heapmon --help</c>.</summary>
    public static string HelpSection =>
        "Exit codes:\n" + string.Concat(Table.Select(row => $"  {row.Code,-7}{row.Meaning}\n"));
}
