using System.Collections.Concurrent;
using System.Diagnostics;
using Heapmon.Tests.Run;

namespace Heapmon.Tests.Allocations;

/// <summary>A heapmon command running in the background whose stderr is watched line by line (to act once it says it is sampling).</summary>
internal sealed class HeapmonProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _out = new();
    private readonly ConcurrentQueue<string> _err = new();

    private HeapmonProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _out.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _err.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static HeapmonProcess Start(params string[] args)
    {
        // Through env, which execs heapmon with Ctrl-C's default handling: a test run started in the background
        // of a shell ignores SIGINT, an ignored signal is inherited, and heapmon would then never see Ctrl-C.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string arg in (string[])["--default-signal=INT", ChildProcess.DotnetHost, "exec", RunHarness.Cli, .. args]) info.ArgumentList.Add(arg);
        info.Environment.Remove("DOTNET_STARTUP_HOOKS");
        return new HeapmonProcess(Process.Start(info)!);
    }

    /// <summary>Writes a line to heapmon's stdin (under heapmon run, the program's).</summary>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for a stderr line containing <paramref name="text"/>.</summary>
    public void WaitForError(string text, TimeSpan timeout) => WaitFor(_err, text, timeout);

    /// <summary>Waits for a stdout line (under heapmon run, the program's) containing <paramref name="text"/>.</summary>
    public void WaitForOutput(string text, TimeSpan timeout) => WaitFor(_out, text, timeout);

    private void WaitFor(ConcurrentQueue<string> lines, string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited || clock.Elapsed > timeout) throw new TimeoutException($"heapmon never said '{text}':\n{string.Join('\n', _err)}\n{string.Join('\n', _out)}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Ctrl-C, as a terminal sends it.</summary>
    public void Interrupt() => RunHarness.Signal(_process.Id, 2);

    /// <summary>Waits for heapmon to end and returns what it printed.</summary>
    public ChildResult Finish(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("heapmon did not finish:\n" + string.Join('\n', _err));
        }
        _process.WaitForExit();
        return new ChildResult(_process.ExitCode, string.Join('\n', _out), string.Join('\n', _err));
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
