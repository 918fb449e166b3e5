using Heapmon.Tests.Run;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Heapmon.Tests.Attach;

/// <summary>
/// A program the tests attach to while it runs (the Attachee, which knows nothing of Heapmon): its stdout
/// and stderr are collected, stdin stays open for "quit", and disposing kills it if it is still running.
/// </summary>
internal sealed class RunningProgram : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _out = new();
    private readonly ConcurrentQueue<string> _err = new();

    private RunningProgram(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _out.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _err.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyList<string> StdOut => [.. _out];

    public IReadOnlyList<string> StdErr => [.. _err];

    /// <summary>Starts <c>Heapmon.Tests.Attachee ARGS</c> and waits for its "ready" line; <paramref name="prefix"/> runs it through another program (setpriv, env).</summary>
    public static RunningProgram StartAttachee(IEnumerable<string> args, IReadOnlyList<string>? prefix = null, IEnumerable<string>? dotnetArgs = null) =>
        Start([.. prefix ?? [], ChildProcess.DotnetHost, "exec", .. dotnetArgs ?? [], TestPaths.Assembly("Heapmon.Tests.Attachee"), .. args], "ready ");

    /// <summary>Starts <paramref name="command"/> and waits until it prints a line starting with <paramref name="readyPrefix"/>.</summary>
    public static RunningProgram Start(IReadOnlyList<string> command, string readyPrefix, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string arg in command.Skip(1)) info.ArgumentList.Add(arg);
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var program = new RunningProgram(Process.Start(info)!);
        try
        {
            program.WaitForLine(readyPrefix, TimeSpan.FromSeconds(60));
            return program;
        }
        catch
        {
            program.Dispose();
            throw;
        }
    }

    /// <summary>The first stdout line starting with <paramref name="prefix"/>, waiting for it.</summary>
    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string? line = _out.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null) return line;
            if (_process.HasExited) break;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"no line '{prefix}...' from the program\n{string.Join('\n', StdOut)}\n{string.Join('\n', StdErr)}");
    }

    /// <summary>Waits until the program has printed <paramref name="more"/> more lines than now.</summary>
    public void WaitForMoreLines(int more, TimeSpan timeout)
    {
        int target = _out.Count + more;
        RunHarness.WaitFor(() => _out.Count >= target, timeout, $"{more} more lines from the program");
    }

    /// <summary>Writes a line to the program's stdin.</summary>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for the program to end by itself and returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException("the program did not end");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Asks the program to end (a "quit" line) and returns its exit code.</summary>
    public int Quit()
    {
        _process.StandardInput.WriteLine("quit");
        _process.StandardInput.Flush();
        if (!_process.WaitForExit(30_000)) throw new TimeoutException("the program did not quit");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
