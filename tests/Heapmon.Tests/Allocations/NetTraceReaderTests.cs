using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using Heapmon.Sampling;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Heapmon.Tests.Allocations;

/// <summary>
/// Our nettrace reader against Microsoft's (TraceEvent) on the same bytes: a real session of this process with
/// the sampler's keywords and a rundown, recorded to a file. Every event the sampler reads must come out the same.
/// </summary>
[Collection(AllocationTracerCollection.Name)]
public sealed class NetTraceReaderTests
{
    private static object? s_sink;

    private sealed class Recorder : TraceEventSink
    {
        public List<(ulong Address, ulong Size, string Type, ulong[] Stack)> Allocations { get; } = [];
        public List<(ulong Id, ulong Start, string Name)> Methods { get; } = [];
        public List<(ulong Id, int Count)> Maps { get; } = [];
        public List<(ulong Id, string Path)> Modules { get; } = [];
        public List<(int Count, int Depth)> Gcs { get; } = [];
        public int ProcessId { get; private set; }
        public bool Ended { get; private set; }

        public override void OnTraceHeader(int processId) => ProcessId = processId;
        public override void OnAllocation(in EventHeader header, in SampledAllocation a, ReadOnlySpan<ulong> stack) => Allocations.Add((a.Address, a.Size, a.TypeName.ToString(), stack.ToArray()));
        public override void OnMethodLoad(in MethodLoad m) => Methods.Add((m.MethodId, m.Start, m.TypeName.ToString() + "." + m.Name.ToString()));
        public override void OnILMap(ulong methodId, int count, ReadOnlySpan<byte> il, ReadOnlySpan<byte> native) => Maps.Add((methodId, count));
        public override void OnModuleLoad(ulong moduleId, ReadOnlySpan<char> ilPath) => Modules.Add((moduleId, ilPath.ToString()));
        public override void OnGcStart(long timestamp, int count, int depth) => Gcs.Add((count, depth));
        public override void OnEnd() => Ended = true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Allocate()
    {
        int gcs = GC.CollectionCount(0);
        for (int i = 0; i < 3_000; i++) s_sink = new byte[1000 + i % 7];
        // Large arrays until the GC runs on its own (a forced one would break a heap walk in a parallel test);
        // at least 32 MB, and more while a parallel test's no-GC region holds collections off.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        for (int i = 0; i < 200 || (GC.CollectionCount(0) == gcs && DateTime.UtcNow < deadline); i++) s_sink = new long[20_000];
    }

    private static string Record()
    {
        string file = Path.Combine(TestPaths.NewTempDirectory("nettrace"), "self.nettrace");
        var client = new DiagnosticsClient(Environment.ProcessId);
        using EventPipeSession session = client.StartEventPipeSession(new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Verbose, SessionSetup.Keywords), requestRundown: true);
        Task copying = Task.Run(() =>
        {
            using FileStream output = File.Create(file);
            session.EventStream.CopyTo(output);
        });
        Allocate();
        session.Stop();
        Assert.True(copying.Wait(TimeSpan.FromSeconds(60)), "the session's stream did not end");
        return file;
    }

    [Fact]
    public void EveryEventTheSamplerReadsComesOutAsTraceEventReadsIt()
    {
        string file = Record();
        var ours = new Recorder();
        using (FileStream stream = File.OpenRead(file)) new NetTraceReader(stream, ours).Run();

        var allocations = new List<(ulong, ulong, string)>();
        int methods = 0, maps = 0, modules = 0, gcs = 0;
        using (var source = new EventPipeEventSource(file))
        {
            source.Clr.AllocationSampling += d => allocations.Add(((ulong)d.Address, (ulong)d.ObjectSize, d.TypeName));
            source.Clr.MethodLoadVerbose += _ => methods++;
            source.Clr.MethodILToNativeMap += _ => maps++;
            source.Clr.LoaderModuleLoad += _ => modules++;
            source.Clr.GCStart += _ => gcs++;
            var rundown = new ClrRundownTraceEventParser(source);
            rundown.MethodDCStopVerbose += _ => methods++;
            rundown.MethodILToNativeMapDCStop += _ => maps++;
            rundown.LoaderModuleDCStop += _ => modules++;
            source.Process();
        }

        Assert.True(ours.Ended);
        Assert.Equal(Environment.ProcessId, ours.ProcessId);
        Assert.True(allocations.Count > 100, $"only {allocations.Count} samples");
        // TraceEvent sorts by time, we read in stream order: compare as sets of (address, size, type).
        Assert.Equal(allocations.Order(), ours.Allocations.Select(a => (a.Address, a.Size, a.Type)).Order());
        Assert.Equal(methods, ours.Methods.Count);
        Assert.Equal(maps, ours.Maps.Count);
        Assert.Equal(modules, ours.Modules.Count);
        Assert.Equal(gcs, ours.Gcs.Count);
        Assert.True(gcs > 0, "no GC during the recording");
        Assert.Contains(ours.Modules, m => m.Path.EndsWith("/System.Private.CoreLib.dll", StringComparison.Ordinal));
        Assert.Contains(ours.Methods, m => m.Name.EndsWith(nameof(NetTraceReaderTests) + "." + nameof(Allocate), StringComparison.Ordinal));
    }

    [Fact]
    public void EverySampledStackHasTheAddressesTraceLogGivesIt()
    {
        string file = Record();
        var ours = new Recorder();
        using (FileStream stream = File.OpenRead(file)) new NetTraceReader(stream, ours).Run();
        Dictionary<ulong, ulong[]> byAddress = ours.Allocations.GroupBy(a => a.Address).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Stack);

        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(file));
        int compared = 0;
        foreach (TraceEvent e in log.Events)
        {
            if (e is not AllocationSampledTraceData sample || !byAddress.TryGetValue((ulong)sample.Address, out ulong[]? stack)) continue;
            var theirs = new List<ulong>();
            for (TraceCallStack? frame = sample.CallStack(); frame is not null; frame = frame.Caller) theirs.Add(frame.CodeAddress.Address);
            Assert.NotEmpty(stack);
            Assert.Equal(theirs, stack);
            compared++;
        }
        Assert.True(compared > 100, $"only {compared} stacks compared");
    }
}
