namespace Heapmon.Cli;

/// <summary>A bad option value or combination, found before any work: one line, exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>The work was started but could not be completed (an output failed after the work): one line, exit code 1.</summary>
internal sealed class CliFailureException(string message) : Exception(message);
