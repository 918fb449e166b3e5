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
        ("10", "--pid: no process has that pid"),
        ("11", "--pid: not a .NET process, or its diagnostics port is off"),
        ("12", "--pid: the process runs a .NET older than Heapmon needs"),
        ("13", "--pid: the process belongs to another user"),
        ("14", "--pid: the process cannot load a startup hook (Native AOT, Mono, or hooks disabled)"),
        ("15", "--pid: the process exited during the command"),
        ("16", "--pid: a socket left by a killed process was found and removed; run the command again"),
        ("17", "--pid: another heapmon command is attached to the process"),
        ("18", "--pid: the process has another Heapmon version's agent loaded"),
        ("19", "--pid: the agent did not answer in time"),
        ("20", "heapmon snapshot: no tracking session is going on in the process"),
        ("127", "heapmon run: the program could not be started"),
        ("130", "interrupted (Ctrl-C)"),
        ("other", "heapmon run: the program's own exit code (128+N when signal N ended it)"),
    ];

    /// <summary>The table as the "Exit codes:" section of <c>heapmon --help</c>.</summary>
    public static string HelpSection =>
        "Exit codes:\n" + string.Concat(Table.Select(row => $"  {row.Code,-7}{row.Meaning}\n"));
}
