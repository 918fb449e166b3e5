using System.CommandLine;
using Heapmon.Channel;
using Heapmon.Cli.Attach;
using Heapmon.Model;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>heapmon snapshot --pid PID [--label L]</c>: one labelled snapshot of the tracking session going on in a
/// process (<c>heapmon track</c>, or <c>heapmon run</c>, whose outputs are rewritten): what SIGUSR2 does for
/// <c>heapmon run</c> (Pympler: create_snapshot).
/// </summary>
internal static class SnapshotCommand
{
    public static Command Create(CliContext context)
    {
        var pid = CliOptions.Pid("The process whose tracking session takes the snapshot.");
        pid.Required = true;
        var label = new Option<string?>("--label", "-l") { Description = "The snapshot's label (default: 'snapshot N').", HelpName = "LABEL" };
        var command = new Command("snapshot", "Take one labelled snapshot of the tracking session going on in a process (heapmon track or heapmon run).")
        {
            pid, label,
        };
        command.WithExamples("heapmon snapshot --pid 1234 --label 'after the import'");
        command.SetAction(parse =>
        {
            TargetProcess target = TargetProcess.Probe(parse.GetValue(pid)!.Value);
            using AgentClient agent = AgentConnector.Open(target, ChannelCommands.Snapshot, context.Error, load: false);
            if (!agent.Welcome.Tracking)
                throw new AttachException(AttachExitCode.NoSession, $"{target.Describe} has no tracking session going on: start one with heapmon track --pid {target.Pid}.");
            SnapshotResponse snapshot = agent.Request<SnapshotResponse>(new SnapshotRequest(parse.GetValue(label)));
            context.Note($"snapshot {snapshot.Index} '{snapshot.Label}' taken in {target.Describe}");
            foreach (ClassSummary c in snapshot.Classes)
                context.Output.WriteLine($"{c.ClassName}\t{c.Active}\t{c.Total}");
            return 0;
        });
        return command;
    }
}
