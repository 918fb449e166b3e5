using System.Diagnostics.Tracing;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.NETCore.Client;

namespace Heapmon.Sampling;

/// <summary>
/// What every sampling session asks of the runtime, whichever process it reads: the providers and keywords,
/// the rundown of code compiled before it, and the reader thread that owns its stream.
/// </summary>
internal static partial class SessionSetup
{
    /// <summary>.NET 10's AllocationSampling keyword (not yet in TraceEvent's enumeration).</summary>
    public const long AllocationSamplingKeyword = 0x80000000000;

    /// <summary>GC | Loader | Jit | JittedMethodILToNativeMap | Stack | AllocationSampling: the sampler's keywords (dotnet-trace: 0x80040020019).</summary>
    public const long Keywords = 0x1 | 0x8 | 0x10 | 0x20000 | 0x40000000 | AllocationSamplingKeyword;

    private const long RundownKeywords = 0x8 | 0x10 | 0x20000; // Loader | Jit | JittedMethodILToNativeMap

    /// <summary>The providers of a sampling session: the runtime's events at Verbose (method loads and IL maps are verbose), and our flush markers when asked.</summary>
    public static EventPipeProvider[] Providers(bool flushMarkers) => flushMarkers
        ? [new(RuntimeEvents.RuntimeProvider, EventLevel.Verbose, Keywords), new(FlushMarkerSource.SourceName, EventLevel.Informational)]
        : [new(RuntimeEvents.RuntimeProvider, EventLevel.Verbose, Keywords)];

    /// <summary>
    /// Code JIT-compiled before the session has no load events in it: a short rundown session lists every
    /// method compiled so far with its IL map. Started after the sampling session, so nothing falls between.
    /// </summary>
    public static JitLineMap ReadRundown(DiagnosticsClient client)
    {
        var map = new JitLineMap();
        using EventPipeSession session = client.StartEventPipeSession(new EventPipeProvider(RuntimeEvents.RuntimeProvider, EventLevel.Informational, RundownKeywords), requestRundown: true);
        var reading = Task.Run(() => new NetTraceReader(session.EventStream, new RundownSink(map)).Run());
        Stop(session, TimeSpan.FromSeconds(30));
        if (!reading.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the runtime's rundown did not end within 30 s");
        return map;
    }

    /// <summary>Starts the thread that reads <paramref name="reader"/>'s stream to its end; it records its own failure.</summary>
    public static Thread StartReader(NetTraceReader reader, Stream stream, SampleCollector collector, bool excludeOwnThread, Action<Exception> failed)
    {
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            if (excludeOwnThread) collector.ExcludedThread = CurrentOsThreadId();
            started.Set();
            try
            {
                reader.Run();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A broken stream must not take the program down: record it and stop sampling.
                failed(e);
                collector.OnEnd();
                Drain(stream);
            }
        })
        { IsBackground = true, Name = "Heapmon allocation sampler" };
        thread.Start();
        started.Wait();
        return thread;
    }

    /// <summary>
    /// Reads a stream to its end and drops it: the runtime answers a stop only once it has written what it holds,
    /// so a stream nobody reads any more would leave the stop, and its writer in the target, waiting forever.
    /// </summary>
    private static void Drain(Stream stream)
    {
        try
        {
            stream.CopyTo(Stream.Null);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Closed under us: nothing left to drain.
        }
    }

    /// <summary>Stops a session, waiting at most <paramref name="timeout"/> for the runtime's answer (Dispose then closes the stream).</summary>
    /// <returns>False when the answer did not come in time.</returns>
    public static bool Stop(EventPipeSession session, TimeSpan timeout)
    {
        using var waited = new CancellationTokenSource(timeout);
        try
        {
            session.StopAsync(waited.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException or ObjectDisposedException or UnsupportedCommandException or ServerErrorException)
        {
            // The process is gone (or going), or the runtime already ended the session: its stream ends by itself.
            return true;
        }
    }

    private static long CurrentOsThreadId()
    {
        try
        {
            return OperatingSystem.IsLinux() ? gettid() : -1;
        }
        catch (EntryPointNotFoundException)
        {
            return -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int gettid();

    /// <summary>Fills a map from a rundown's events.</summary>
    private sealed class RundownSink(JitLineMap map) : TraceEventSink
    {
        public override void OnMethodLoad(in MethodLoad method) => map.OnMethodLoad(in method);

        public override void OnILMap(ulong methodId, int count, ReadOnlySpan<byte> ilOffsets, ReadOnlySpan<byte> nativeOffsets) =>
            map.OnILMap(methodId, count, ilOffsets, nativeOffsets);

        public override void OnModuleLoad(ulong moduleId, ReadOnlySpan<char> ilPath) => map.OnModuleLoad(moduleId, ilPath);
    }
}
