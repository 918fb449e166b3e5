using System.Diagnostics;
using Heapmon.Allocations;
using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon run --alloc</c>: the program's allocations are sampled from here, the way
/// <c>dotnet-trace collect -- COMMAND</c> records them. The program's runtime is started paused on a
/// diagnostic port heapmon listens on (<c>DOTNET_DiagnosticPorts=PATH</c>, suspend by default); heapmon
/// starts the sampling session, resumes it, reads and resolves the events while it runs, and writes the
/// snapshot when it exits. The program itself runs no Heapmon code for this and keeps nothing of it.
/// </summary>
internal sealed class RunAllocations : IDisposable
{
    private readonly CliContext _context;
    private readonly int _tracebackLimit;
    private readonly IReadOnlyList<string> _outputs;
    private readonly TimeSpan? _rewriteEvery;
    private readonly DirectoryInfo _folder;
    private readonly CancellationTokenSource _cancel = new();
    private readonly Task<DiagnosticsClientConnector?> _connecting;
    private readonly Lock _writing = new();
    private ProcessAllocations? _sampling;
    private Timer? _rewrite;
    private int _written;
    private bool _started;

    /// <param name="context">Where messages go.</param>
    /// <param name="tracebackLimit">Frames kept per sample.</param>
    /// <param name="outputs">The snapshot files to write; none prints the top lines on stderr at the end.</param>
    /// <param name="rewriteEvery">With <c>--interval</c>: rewrite the outputs this often while the program runs.</param>
    public RunAllocations(CliContext context, int tracebackLimit, IReadOnlyList<string> outputs, TimeSpan? rewriteEvery)
    {
        _context = context;
        _tracebackLimit = tracebackLimit;
        _outputs = outputs;
        _rewriteEvery = rewriteEvery;
        // Our own folder (0700): only this user's processes can reach the port.
        _folder = Directory.CreateTempSubdirectory("heapmon-run-");
        Port = Path.Combine(_folder.FullName, "diagnostics.sock");
        _connecting = DiagnosticsClientConnector.FromDiagnosticPort(Port + ",listen", _cancel.Token)!;
        // The listener starts before the first await: a program told to wait on a port nobody serves would wait forever.
        if (_connecting.IsFaulted)
        {
            _folder.Delete(recursive: true);
            throw new IOException($"--alloc: cannot listen on {Port}: {_connecting.Exception!.GetBaseException().Message}");
        }
    }

    /// <summary>The socket the program's runtime connects to at startup.</summary>
    public string Port { get; }

    /// <summary>Asks the program's runtime to connect to <see cref="Port"/> and wait there until resumed.</summary>
    public void AddTo(ProcessStartInfo info)
    {
        string? existing = info.Environment.TryGetValue("DOTNET_DiagnosticPorts", out string? ports) ? ports : null;
        info.Environment["DOTNET_DiagnosticPorts"] = string.IsNullOrEmpty(existing) ? Port : existing + ";" + Port;
    }

    /// <summary>Once the command has started: waits for its runtime, starts the session, resumes it.</summary>
    public void Attach(Process child)
    {
        _started = true;
        // A launcher (a shell script) may start the .NET program later, or never.
        while (!_connecting.IsCompleted && !child.HasExited) _connecting.Wait(TimeSpan.FromMilliseconds(50));
        if (!_connecting.IsCompletedSuccessfully || _connecting.Result is not { } connector) return;
        DiagnosticsClient runtime = connector.Instance;
        try
        {
            _sampling = ProcessAllocations.AtStartup(runtime, _tracebackLimit);
        }
        catch (Exception e) when (e is IOException or ServerErrorException or UnsupportedCommandException or TimeoutException or InvalidOperationException)
        {
            _context.Warn($"allocation sampling could not start ({e.Message.ReplaceLineEndings(" ")}); the program runs unsampled");
        }
        finally
        {
            // Paused at startup until told otherwise: whatever happened above, it must go on.
            Resume(runtime);
        }
        if (_sampling is not null && _rewriteEvery is { } every && _outputs.Count > 0)
            _rewrite = new Timer(_ => Write(final: false), null, every, every);
    }

    /// <summary>After the command has ended: reads the last events and writes the snapshot (or prints its top lines).</summary>
    public void Finish()
    {
        _cancel.Cancel();
        if (!_started) return;
        StopRewriting();
        if (_sampling is null)
        {
            _context.Warn("--alloc: no .NET program connected to heapmon's diagnostic port, so no allocations were sampled (was the command a .NET 10 program?)");
            return;
        }
        // The stream ends when the program exits; a .NET program the command left running is stopped being sampled.
        if (!_sampling.WaitForEnd(TimeSpan.FromSeconds(30))) _sampling.Stop();
        if (_sampling.ReaderFailure is { } failure) _context.Warn($"--alloc: reading the events stopped early: {failure.Message}");
        Write(final: true);
    }

    private void Write(bool final)
    {
        lock (_writing)
        {
            if (_sampling is null) return;
            AllocationSnapshot snapshot = _sampling.Snapshot(traces: _tracebackLimit > 1);
            if (!final && snapshot.SampleCount == _written) return;
            _written = snapshot.SampleCount;
            if (_outputs.Count == 0)
            {
                Print(snapshot);
                return;
            }
            foreach (string path in _outputs)
            {
                try
                {
                    snapshot.Write(path);
                    if (final) _context.Wrote(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _context.Error.WriteLine($"heapmon: error: writing {path} failed: {OutputFiles.WithoutTempNames(e.Message)}");
                }
            }
        }
    }

    /// <summary>Without an output, the top lines go to stderr at the end, as the summary does.</summary>
    private void Print(AllocationSnapshot snapshot)
    {
        var text = new StringWriter { NewLine = "\n" };
        new DisplayTop { Color = false }.DisplaySnapshot(snapshot, count: 10, output: text);
        foreach (string line in text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            _context.Error.WriteLine("heapmon: " + line);
    }

    /// <summary>Stops the periodic rewrites, waiting for one in progress.</summary>
    private void StopRewriting()
    {
        if (_rewrite is null) return;
        using var stopped = new ManualResetEvent(false);
        if (_rewrite.Dispose(stopped)) stopped.WaitOne();
        _rewrite = null;
    }

    private void Resume(DiagnosticsClient runtime)
    {
        try
        {
            runtime.ResumeRuntime();
        }
        catch (Exception e) when (e is IOException or ServerErrorException or UnsupportedCommandException or TimeoutException or ServerNotAvailableException)
        {
            _context.Warn($"--alloc: resuming the program failed ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    public void Dispose()
    {
        _cancel.Cancel();
        StopRewriting();
        _sampling?.Dispose();
        if (_connecting.IsCompletedSuccessfully && _connecting.Result is { } connector) connector.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException) { /* the port's socket is gone with the server; a leftover folder is harmless */ }
        _cancel.Dispose();
    }
}
