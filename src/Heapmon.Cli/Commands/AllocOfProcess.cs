using System.Diagnostics;
using System.Runtime.InteropServices;
using Heapmon.Allocations;
using Heapmon.Cli.Attach;
using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon alloc --pid PID [--duration S] [-o FILE]</c>: allocation sampling of a running process, read
/// here as dotnet-trace reads it (the process only writes the events; no agent is loaded into it), until the
/// duration ends, Ctrl-C, or the process exits; then the snapshot is written, or its top lines printed.
/// </summary>
internal static class AllocOfProcess
{
    /// <summary>Allocation sampling is new in .NET 10; older runtimes ignore the keyword and would give nothing.</summary>
    private const int SamplingRuntimeMajor = 10;

    public static int Run(CliContext context, int pid, TimeSpan? duration, string? output, int tracebackLimit, bool traces, Action<AllocationSnapshot> print)
    {
        TargetProcess target = TargetProcess.Probe(pid);
        RequireSampling(target);
        using var stop = new CancellationTokenSource();
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using ProcessAllocations sampling = Start(target, tracebackLimit);
        string until = duration is { } d ? $"for {d.TotalSeconds:0.###} s (Ctrl-C stops sooner)" : "until Ctrl-C";
        context.Note($"sampling the allocations of {target.Describe} {until}");

        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && !sampling.HasEnded && (duration is not { } limit || clock.Elapsed < limit))
            stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
        bool exited = sampling.HasEnded && TargetProcess.HasExited(pid);
        if (!exited) sampling.Stop();
        AllocationSnapshot snapshot = sampling.Snapshot(traces || tracebackLimit > 1);
        context.Note($"{snapshot.SampleCount:N0} samples in {clock.Elapsed.TotalSeconds:0.#} s; {(exited ? "the process has exited" : "detached")}");
        if (sampling.ReaderFailure is { } failure) context.Warn($"reading the events stopped early: {failure.Message}");
        if (output is not null) OutputFiles.WriteAll(context, [(output, () => snapshot.Write(output))]);
        else print(snapshot);
        if (exited)
            throw new AttachException(AttachExitCode.TargetExited,
                $"{target.Describe} exited during the command; the allocations sampled until then are {(output is null ? "shown above" : "in " + output)}.");
        return 0;
    }

    private static void RequireSampling(TargetProcess target)
    {
        switch (target.Runtime.Kind)
        {
            case RuntimeKind.Mono:
                throw new AttachException(AttachExitCode.NotDotnet, $"process {target.Pid} ({target.Name}) runs on Mono, which has no allocation sampling.");
            case RuntimeKind.CoreClr when target.Runtime.Version is { } v && v.Major < SamplingRuntimeMajor:
                throw new AttachException(AttachExitCode.RuntimeTooOld,
                    $"process {target.Pid} ({target.Name}) runs .NET {v}: allocation sampling needs .NET {SamplingRuntimeMajor} or later.");
        }
    }

    private static ProcessAllocations Start(TargetProcess target, int tracebackLimit)
    {
        try
        {
            return ProcessAllocations.Attach(target.Pid, tracebackLimit, target.Root);
        }
        catch (ServerNotAvailableException)
        {
            if (!TargetProcess.IsAlive(target.Pid)) throw new AttachException(AttachExitCode.TargetExited, $"{target.Describe} exited during the command.");
            throw target.NoDiagnosticsPort();
        }
        catch (Exception e) when (e is UnsupportedCommandException or ServerErrorException or EndOfStreamException or IOException)
        {
            if (!TargetProcess.IsAlive(target.Pid)) throw new AttachException(AttachExitCode.TargetExited, $"{target.Describe} exited during the command.");
            throw new AttachException(AttachExitCode.Failed, $"{target.Describe} refused the allocation-sampling session: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
