using Heapmon.Allocations;
using Heapmon.Model;

namespace Heapmon.Tests.Allocations;

/// <summary>Snapshots built from known traces, with a fixed clock, for grouping, file and renderer tests.</summary>
internal static class SyntheticSnapshots
{
    public static readonly DateTimeOffset Clock = new(2026, 3, 1, 12, 30, 45, TimeSpan.Zero);

    /// <summary>A frame in a deep path, so filename parts matter.</summary>
    public static TraceFrame Frame(string file, int line, string method = "App.Work") => new($"/src/app/{file}", line, method);

    public static AllocationTrace Trace(long address, string type, long size, params TraceFrame[] frames) => new(address, type, size, frames);

    public static AllocationSnapshot Make(IReadOnlyList<AllocationTrace> traces, bool keepTraces = true, DateTimeOffset? at = null, int tracebackLimit = 3, params Metric[] metrics) =>
        new(at ?? Clock, 4242, tracebackLimit, AllocationSnapshot.BuildRows(traces), keepTraces ? traces : null, metrics);

    /// <summary>
    /// Objects of 4 MiB and more are sampled with probability 1 − e^−41 (1.0 in double precision), so each
    /// stands for exactly one object of its size: renderer output can be checked digit by digit.
    /// </summary>
    public const long Big = 4 * 1024 * 1024;

    /// <summary>Three lines in two files, two types, exact figures.</summary>
    public static AllocationSnapshot Exact(DateTimeOffset? at = null, int scale = 1) => Make(
    [
        .. Enumerable.Range(0, 3 * scale).Select(i => Trace(0x1000 + i, "System.Byte[]", Big, Frame("data/Loader.cs", 120), Frame("Program.cs", 10, "App.Main"))),
        .. Enumerable.Range(0, 2).Select(i => Trace(0x2000 + i, "System.Int64[]", 2 * Big, Frame("data/Cache.cs", 33), Frame("Program.cs", 11, "App.Main"))),
        Trace(0x3000, "System.Byte[]", Big, Frame("data/Loader.cs", 7), Frame("Program.cs", 10, "App.Main")),
    ], at: at, metrics: [new Metric("process_memory.rss", 828L * 1024 * 1024, MetricFormat.Size), new Metric("gc.gen0.collections", 12, MetricFormat.Int)]);
}
