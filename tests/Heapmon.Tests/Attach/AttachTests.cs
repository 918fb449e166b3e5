using Heapmon.Tests.Run;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Tests.Attach;

/// <summary>
/// A program that knows nothing of Heapmon keeps 12,345 ledger entries in a static field and prints a line a
/// second; heapmon reaches it while it runs, and leaves it as it was.
/// </summary>
[Collection(AttachCollection.Name)]
public sealed class AttachTests
{
    private const int Entries = 12_345;
    private const string EntryType = "Attachee.LedgerEntry";

    [Fact]
    public void CensusTrackAndGarbageReachARunningProgramWhichGoesOnUnchanged()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", Entries.ToString(), "42"]);
        string dir = TestPaths.NewTempDirectory("attach");
        string dump = Path.Combine(dir, "x.json.gz");

        ChildResult census = AttachHarness.Heapmon("census", "--pid", program.Pid.ToString(), "--top", "200");
        Assert.True(census.ExitCode == 0, census.ToString());
        Assert.Equal(Entries, AttachHarness.CensusCount(census.StdOut, EntryType));

        ChildResult track = AttachHarness.Heapmon("track", "--pid", program.Pid.ToString(), "--track", EntryType, "--interval", "0.5", "--duration", "3", "-o", dump);
        Assert.True(track.ExitCode == 0, track.ToString());
        TrackerData data = TrackerStats.Load(dump).Data;
        Assert.Equal("attach", data.Snapshots[0].Description);
        Assert.Equal("detach", data.Snapshots[^1].Description);
        Assert.True(data.Snapshots.Count >= 4, $"{data.Snapshots.Count} snapshots");
        Assert.Equal(Entries, data.Snapshots[^1].Classes.Single(c => c.ClassName == EntryType).Active);
        Assert.Contains($"heapmon: wrote {dump}", track.StdErr);

        ChildResult garbage = AttachHarness.Heapmon("garbage", "--pid", program.Pid.ToString(), "--type", "LedgerEntry", "--paths", "2", "--cycles");
        Assert.True(garbage.ExitCode == 0, garbage.ToString());
        Assert.Contains($"== {Entries:N0} instances of {EntryType}", garbage.StdOut);
        Assert.Contains("1. static Attachee.Ledger.s_entries  [StaticField]", garbage.StdOut);
        Assert.Contains("0 reference cycles among 12,345 objects", garbage.StdOut);

        // Detached: nothing of ours is left, and the program goes on as before.
        Assert.False(Directory.Exists(AttachHarness.ChannelDirectory(program.Pid)));
        RunHarness.WaitFor(() => !AttachHarness.ThreadNames(program.Pid).Any(n => n.StartsWith("Heapmon", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the agent's threads to end");
        program.WaitForMoreLines(2, TimeSpan.FromSeconds(10));
        string lastTick = program.StdOut.Last(l => l.StartsWith("tick ", StringComparison.Ordinal));
        Assert.EndsWith($"entries={Entries} latency=Interactive", lastTick);
        Assert.DoesNotContain(program.StdOut.Concat(program.StdErr), l => l.Contains("heapmon", StringComparison.OrdinalIgnoreCase));

        // A later attach works again, and the program still ends with its own code.
        ChildResult again = AttachHarness.Heapmon("census", "--pid", program.Pid.ToString(), "--top", "200");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(Entries, AttachHarness.CensusCount(again.StdOut, EntryType));
        Assert.Equal(42, program.Quit());
    }

    [Fact]
    public void PsListsTheProgramWithItsRuntimeAndAgent()
    {
        using RunningProgram program = RunningProgram.StartAttachee(["hold", "10", "0"]);
        ChildResult before = AttachHarness.Heapmon("ps");
        Assert.True(before.ExitCode == 0, before.ToString());
        string row = before.StdOut.Split('\n').Single(l => l.TrimStart().StartsWith(program.Pid + " ", StringComparison.Ordinal));
        string[] cells = row.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("Heapmon.Tests.Attachee", cells[1]);
        Assert.Equal(".NET " + Environment.Version, cells[2]);
        Assert.Equal("-", cells[3]);

        Assert.Equal(0, AttachHarness.Heapmon("census", "--pid", program.Pid.ToString()).ExitCode);
        string after = AttachHarness.Heapmon("ps").StdOut.Split('\n').Single(l => l.TrimStart().StartsWith(program.Pid + " ", StringComparison.Ordinal));
        Assert.Equal("loaded", after.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[3]);
    }
}
