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
        return 0;
    }
}
