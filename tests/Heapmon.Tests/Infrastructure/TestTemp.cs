using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Heapmon.Tests;

/// <summary>
/// The test process's folder for temporary files, /tmp/heapmon-tests/PID: made on first use and deleted
/// when the process exits, with everything the tests and their child processes wrote there. Folders of
/// test processes that died without cleaning up (killed runs) are deleted when the next run starts.
/// </summary>
internal static partial class TestTemp
{
    /// <summary>The folder every test process's own folder is in.</summary>
    public static string Parent => Path.Combine(Path.GetTempPath(), "heapmon-tests");

    /// <summary>This process's folder.</summary>
    public static string Root { get; } = Create();

    private static string Create()
    {
        SweepStale();
        string root = Path.Combine(Parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAtExit(root);
        return root;
    }

    /// <summary>
    /// The test runner ends the test host soon after the last test, which can cut a deletion of a whole
    /// run's files short (85 of a run's folders were left so): a separate rm finishes it whatever happens to us.
    /// </summary>
    private static void DeleteAtExit(string root)
    {
        try
        {
            var info = new ProcessStartInfo("rm") { UseShellExecute = false };
            foreach (string arg in new[] { "-rf", "--", root }) info.ArgumentList.Add(arg);
            using Process? rm = Process.Start(info);
            if (rm is not null) return;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // No rm here: delete in-process, as far as the time left allows.
        }
        Delete(root);
    }

    /// <summary>Deletes a folder and what is in it, if it can; a test's files never fail a test.</summary>
    public static void Delete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void SweepStale()
    {
        if (!Directory.Exists(Parent)) return;
        foreach (DirectoryInfo dir in new DirectoryInfo(Parent).EnumerateDirectories())
        {
            // A process's folder once the process is gone; a folder of the older flat layout (prefix-8 hex) after a day.
            bool stale = int.TryParse(dir.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? !IsAlive(pid)
                : OldLayout().IsMatch(dir.Name) && dir.LastWriteTimeUtc < DateTime.UtcNow.AddDays(-1);
            if (stale) Delete(dir.FullName);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*-[0-9a-f]{8}$")]
    private static partial Regex OldLayout();
}
