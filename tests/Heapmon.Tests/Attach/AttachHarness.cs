using Heapmon.Tests.Run;
using System.Diagnostics;
using System.Globalization;

namespace Heapmon.Tests.Attach;

/// <summary>Runs heapmon against running programs and reads what a process shows in /proc.</summary>
internal static class AttachHarness
{
    /// <summary>`heapmon ARGS` in a child process, to its end.</summary>
    public static ChildResult Heapmon(params string[] args) => RunHarness.Heapmon(args, timeout: TimeSpan.FromMinutes(2));

    /// <summary>`heapmon ARGS` run as the user nobody (setpriv), to its end.</summary>
    public static ChildResult HeapmonAsNobody(params string[] args) =>
        ChildProcess.Run("setpriv", [.. AsNobody, ChildProcess.DotnetHost, "exec", RunHarness.Cli, .. args], timeout: TimeSpan.FromMinutes(2));

    /// <summary>The prefix that runs a command as nobody, without root's groups.</summary>
    public static string[] AsNobody => ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"];

    /// <summary>`heapmon ARGS` started in the background (stdout and stderr redirected).</summary>
    public static Process Start(params string[] args) => RunHarness.Start(args);

    /// <summary>Waits for a background heapmon and returns its result; kills it after <paramref name="timeout"/>.</summary>
    public static ChildResult Finish(Process heapmon, TimeSpan timeout)
    {
        Task<string> stdout = heapmon.StandardOutput.ReadToEndAsync(), stderr = heapmon.StandardError.ReadToEndAsync();
        if (!heapmon.WaitForExit(timeout))
        {
            heapmon.Kill(entireProcessTree: true);
            throw new TimeoutException("heapmon did not finish: " + stderr.Result);
        }
        heapmon.WaitForExit();
        return new ChildResult(heapmon.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The agent's folder for a process of ours.</summary>
    public static string ChannelDirectory(int pid) => Path.Combine(Path.GetTempPath(), "heapmon-" + pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>The names of a process's threads, as the kernel shows them.</summary>
    public static IReadOnlyList<string> ThreadNames(int pid) =>
        [.. Directory.EnumerateDirectories($"/proc/{pid}/task").Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim())];

    /// <summary>The count in the census table's row for <paramref name="type"/>.</summary>
    public static long CensusCount(string table, string type)
    {
        string row = table.Split('\n').Single(l => l.Trim().StartsWith(type + " ", StringComparison.Ordinal));
        string[] cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(cells[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }
}
