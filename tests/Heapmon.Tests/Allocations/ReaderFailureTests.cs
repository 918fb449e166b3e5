using System.IO.Pipes;
using Heapmon.Sampling;

namespace Heapmon.Tests.Allocations;

/// <summary>
/// A reader that fails must not leave the runtime's writer waiting: the runtime answers a session's stop only
/// once it has written what it holds, so the rest of the stream is read and dropped.
/// </summary>
public sealed class ReaderFailureTests
{
    [Fact]
    public async Task AfterAFailureTheRestOfTheStreamIsStillReadSoTheWriterNeverBlocks()
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        using var readEnd = new AnonymousPipeClientStream(PipeDirection.In, writer.ClientSafePipeHandle);
        using var store = new SampleStore();
        using var collector = new SampleCollector(store, new SamplerSettings(1, IncludeRuntimeFrames: false, BufferSizeMB: 1), expectRundown: false);
        Exception? failure = null;
        Thread reader = SessionSetup.StartReader(new NetTraceReader(readEnd, collector), readEnd, collector, excludeOwnThread: false, e => failure = e);

        // Not a nettrace stream: the reader fails on its header. Then 16 MiB more, far beyond the pipe's buffer.
        var junk = new byte[1 << 20];
        Random.Shared.NextBytes(junk);
        Task writing = Task.Run(() =>
        {
            for (int i = 0; i < 16; i++) writer.Write(junk);
            writer.Dispose();
        });

        Task first = await Task.WhenAny(writing, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(first == writing, "the writer blocked: nobody read the stream after the failure");
        await writing;
        Assert.True(reader.Join(TimeSpan.FromSeconds(60)));
        Assert.NotNull(failure);
        Assert.True(collector.Ended);
    }
}
