using Heapmon.Channel;
using Heapmon.Cli.Attach;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon census --pid PID</c>: the whole-heap census of a running process, taken by the agent
/// in it (dotnet-gcdump report, dumpheap -stat) and printed here with the same table as <c>--demo</c>.
/// </summary>
internal static class CensusOfProcess
{
    public static int Run(CliContext context, int pid, int top, bool color)
    {
        TargetProcess target = TargetProcess.Probe(pid);
        using AgentClient agent = AgentConnector.Open(target, "census", context.Error);
        context.Error.WriteLine($"heapmon: taking the census of {target.Describe}");
        CensusResponse census = agent.Request<CensusResponse>(new CensusRequest());
        agent.Detach();
        context.Error.WriteLine($"heapmon: walked {census.ObjectCount:N0} objects in {census.Milliseconds:N0} ms; detached");
        CensusTable.Render(new CensusRows(census.Types, census.Generations, census.ObjectCount, census.TotalBytes, census.FreeCount, census.FreeBytes), top, context.Output, color);
        RenderProfiler(census.ProfilerTypes, context.Output);
        return 0;
    }

    /// <summary>
    /// Heapmon's own objects in the program (its agent, ClrMD, the strings and arrays they hold), left out of the table above
    /// and listed apart, as "profiler" rows, so a census compared with dotnet-gcdump's adds up.
    /// </summary>
    private static void RenderProfiler(IReadOnlyList<Heap.TypeStatistics> profiler, TextWriter output)
    {
        if (profiler.Count == 0) return;
        output.WriteLine();
        output.WriteLine($"profiler: {profiler.Sum(t => t.Count):N0} objects, {ByteUnits.Compact(profiler.Sum(t => t.Bytes))} of Heapmon's own (its agent, ClrMD, " +
            "and the strings and arrays they hold), left out above:");
        foreach (Heap.TypeStatistics row in profiler.Take(10))
            output.WriteLine($"profiler  {row.Count,9:N0}  {ByteUnits.Compact(row.Bytes),10}  {row.TypeName}");
    }
}
