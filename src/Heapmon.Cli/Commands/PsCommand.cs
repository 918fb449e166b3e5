using System.CommandLine;
using System.Globalization;
using Heapmon.Channel;
using Heapmon.Cli.Attach;
using System.Text.RegularExpressions;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon ps</c>: the .NET processes this user can attach to, found as dotnet-trace ps finds them (the
/// runtime's diagnostics sockets), with their runtime and whether Heapmon's agent is in them.
/// </summary>
internal static partial class PsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("ps", "List the .NET processes you can attach to: pid, name, runtime, whether Heapmon's agent is loaded, command line.");
        command.WithExamples("heapmon ps");
        command.SetAction(_ =>
        {
            var rows = new List<string[]>();
            foreach (int pid in PublishedProcesses())
            {
                TargetProcess target;
                try { target = TargetProcess.Probe(pid); }
                catch (Exception e) when (e is AttachException or IOException or UnauthorizedAccessException or FormatException) { continue; } // gone, or another user's
                rows.Add([pid.ToString(CultureInfo.InvariantCulture), target.Name, target.Runtime.Display, AgentState(target), target.CommandLine]);
            }
            if (rows.Count == 0)
            {
                context.Error.WriteLine($"heapmon: no .NET process of uid {PeerCredentials.EffectiveUserId} found (their diagnostics sockets are looked for in {Path.GetTempPath()})");
                return 0;
            }
            string[] header = ["PID", "NAME", "RUNTIME", "AGENT", "COMMAND LINE"];
            int[] widths = [.. Enumerable.Range(0, 4).Select(i => rows.Append(header).Max(r => r[i].Length))];
            foreach (string[] row in rows.Prepend(header))
                context.Output.WriteLine(string.Join("  ", row.Take(4).Select((cell, i) => i == 0 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))) + "  " + row[4]);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The pids of the runtime's diagnostics sockets (<c>dotnet-diagnostic-PID-KEY-socket</c>) in our TMPDIR, as
    /// dotnet-trace ps lists them; a socket a killed process left is skipped when its pid no longer exists.
    /// </summary>
    private static IEnumerable<int> PublishedProcesses()
    {
        var pids = new SortedSet<int>();
        foreach (string path in Directory.EnumerateFiles(Path.GetTempPath(), "dotnet-diagnostic-*-socket"))
        {
            Match match = DiagnosticsSocket().Match(Path.GetFileName(path));
            if (match.Success && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId)
                pids.Add(pid);
        }
        return pids;
    }

    [GeneratedRegex(@"^dotnet-diagnostic-(\d+)-\d+-socket$")]
    private static partial Regex DiagnosticsSocket();

    /// <summary><c>listening</c>: an agent serves its socket now; <c>loaded</c>: detached (an assembly stays loaded until the process exits); <c>-</c>: none.</summary>
    private static string AgentState(TargetProcess target) =>
        File.Exists(target.SocketPath) ? "listening" : target.Runtime.AgentPath is not null ? "loaded" : "-";
}
