using Heapmon.Channel;
using Heapmon.Cli.Attach;
using Heapmon.Garbage;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon garbage --pid PID --type T</c>: what keeps the instances of T alive in a running process (the
/// largest first), cycles among them, finalizer-only garbage — analysed by the agent, printed here.
/// </summary>
internal static class GarbageOfProcess
{
    public static int Run(CliContext context, int pid, string type, int paths, bool cycles, bool finalizer)
    {
        if (paths < 0) throw new CliUsageException($"--paths must be 0 or more, not {paths}.");
        TargetProcess target = TargetProcess.Probe(pid);
        using AgentClient agent = AgentConnector.Open(target, "garbage", context.Error);
        context.Error.WriteLine($"heapmon: looking for what keeps {type} alive in {target.Describe}");
        GarbageResponse garbage = agent.Request<GarbageResponse>(new GarbageRequest(type, paths, cycles, finalizer));
        agent.Detach();
        context.Error.WriteLine($"heapmon: detached from {target.Describe}");

        TextWriter output = context.Output;
        output.WriteLine($"== {garbage.InstanceCount:N0} instances of {garbage.TypeName} (and subclasses), {ByteUnits.Compact(garbage.InstanceBytes)} of their own");
        for (int i = 0; i < garbage.Retention.Count; i++)
        {
            output.WriteLine($"== Why is instance {i + 1} of the {garbage.Retention.Count} largest alive? (RetentionPaths.Find)");
            output.WriteLine(garbage.Retention[i]);
        }
        if (garbage.Cycles is { } found)
        {
            output.WriteLine($"== Reference cycles among the instances of {garbage.TypeName} (CycleFinder.FindAmongInstancesOf)");
            output.WriteLine(found);
        }
        if (garbage.Finalizer is { } finalizerGarbage)
        {
            output.WriteLine("== Undisposed objects left to their finalizers (FinalizerGarbage.Collect)");
            output.WriteLine(finalizerGarbage);
        }
        return 0;
    }
}
