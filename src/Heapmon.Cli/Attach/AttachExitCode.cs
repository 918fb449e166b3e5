namespace Heapmon.Cli.Attach;

/// <summary>
/// Exit codes of the commands that reach a running process (<c>--pid</c>, <c>ps</c>), one per reason,
/// documented in docs/attach.md. 1 is a failure of the work itself, 2 a bad option, as for every command.
/// </summary>
internal static class AttachExitCode
{
    /// <summary>The work failed inside the process (the message says how); the process goes on.</summary>
    public const int Failed = 1;

    /// <summary>No process has that pid.</summary>
    public const int NoSuchProcess = 10;

    /// <summary>The process is not a .NET (CoreCLR) process, or its diagnostics port is off.</summary>
    public const int NotDotnet = 11;

    /// <summary>The process runs a .NET older than the agent needs (.NET 10; attaching itself needs 8).</summary>
    public const int RuntimeTooOld = 12;

    /// <summary>The process belongs to another user.</summary>
    public const int AnotherUser = 13;

    /// <summary>The process cannot load a startup hook: Native AOT, Mono, or System.StartupHookProvider.IsSupported=false.</summary>
    public const int HooksUnsupported = 14;

    /// <summary>The process exited while the command was talking to it.</summary>
    public const int TargetExited = 15;

    /// <summary>A socket was left by an agent whose process was killed; it has been removed.</summary>
    public const int StaleSocket = 16;

    /// <summary>Another heapmon command is attached to the process.</summary>
    public const int Busy = 17;

    /// <summary>The process has the agent of another Heapmon version (or installation) loaded.</summary>
    public const int VersionMismatch = 18;

    /// <summary>The agent was loaded but did not answer in time.</summary>
    public const int AgentNotAnswering = 19;

    /// <summary><c>heapmon snapshot</c>: no tracking session is going on in the process.</summary>
    public const int NoSession = 20;
}

/// <summary>A command that reaches another process failed for a reason with its own exit code; the message is one line.</summary>
internal sealed class AttachException(int exitCode, string message) : Exception(message)
{
    /// <summary>One of <see cref="AttachExitCode"/>.</summary>
    public int ExitCode { get; } = exitCode;
}
