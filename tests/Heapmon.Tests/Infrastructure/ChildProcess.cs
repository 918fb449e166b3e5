using System.Diagnostics;

namespace Heapmon.Tests;

/// <summary>The outcome of a child process: exit code and everything it printed.</summary>
internal sealed record ChildResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>
/// Runs programs in child processes (GC configurations, samples, `heapmon run`), with a timeout
/// that kills the whole tree, so a hung child fails the test instead of hanging the run.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> and extra environment variables.</summary>
    public static ChildResult Run(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        string? stdin = null,
        TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        // A child must not inherit the test host's own diagnostics settings.
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        if (environment is not null)
            foreach ((string key, string? value) in environment)
            {
                if (value is null) info.Environment.Remove(key);
                else info.Environment[key] = value;
            }

        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish in time.\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        return new ChildResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a built .NET assembly (`dotnet exec app.dll args`).</summary>
    public static ChildResult RunDotnet(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
        => Run(DotnetHost, ["exec", dll, .. arguments], environment, timeout: timeout);

    /// <summary>The dotnet host running this test process.</summary>
    public static string DotnetHost => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
}

/// <summary>Paths of the repository and of built assemblies next to the tests.</summary>
internal static class TestPaths
{
    /// <summary>The repository root (the folder holding Heapmon.sln).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The folder holding the test assembly and everything it references (samples, the CLI).</summary>
    public static string OutputDirectory => AppContext.BaseDirectory;

    /// <summary>The built assembly <paramref name="name"/>.dll next to the tests.</summary>
    public static string Assembly(string name) => Path.Combine(OutputDirectory, name + ".dll");

    /// <summary>A fresh empty folder for a test's files, in this test process's own folder (deleted when the process exits).</summary>
    public static string NewTempDirectory(string prefix)
    {
        string dir = Path.Combine(TestTemp.Root, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Heapmon.sln"))) return dir.FullName;
        throw new InvalidOperationException("Heapmon.sln not found above " + AppContext.BaseDirectory);
    }
}
