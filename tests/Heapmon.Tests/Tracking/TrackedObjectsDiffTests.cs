using System.Runtime.CompilerServices;
using Heapmon.Model;
using Heapmon.Sizing;
using Heapmon.Stats;
using Heapmon.Tracking;
using static Heapmon.Tests.CliRunner;

namespace Heapmon.Tests.Tracking;

/// <summary>New, dead and survived tracked objects between two snapshots of one tracker, against the objects the test created and dropped.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class TrackedObjectsDiffTests
{
    /// <summary>A tracked class no other test creates.</summary>
    private sealed class Parcel
    {
        public long Weight;
        public long Volume;
    }

    private static readonly List<Parcel> s_held = [];

    [Fact]
    public void NewDeadAndSurvivedAreTheObjectsTheTestCreatedDroppedAndKept()
    {
        s_held.Clear();
        using var tracker = new ClassTracker();
        tracker.TrackClass<Parcel>();
        Hold(10);
        tracker.CreateSnapshot("one");
        Drop(4);
        Hold(7);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        tracker.CreateSnapshot("two");
        long size = ObjectSize.Shallow(s_held[0]);
        TrackerData data = tracker.ToData();

        TrackedClassDiff parcels = Assert.Single(TrackedObjectsDiff.Between(data, 0, 1).Classes);

        Assert.Equal(typeof(Parcel).FullName, parcels.ClassName);
        Assert.Equal((7L, 7 * size), (parcels.New, parcels.NewBytes));
        Assert.Equal((4L, 4 * size), (parcels.Dead, parcels.DeadBytes));
        Assert.Equal((6L, 6 * size, 6 * size), (parcels.Survived, parcels.SurvivedBytesBefore, parcels.SurvivedBytesAfter));
        Assert.Equal(s_held.Count, parcels.New + parcels.Survived);

        // The same facts in the compare output of one run's file given twice, and none between two runs.
        string dump = Path.Combine(TestPaths.NewTempDirectory("objectsdiff"), "run.json.gz");
        new TrackerStats(data).DumpStats(dump);
        var (exit, output, error) = RunCli("stats", "--compare", dump, dump, "--label", "one", "--label", "two");
        Assert.True(exit == 0, error);
        string[] lines = output.Split('\n');
        int at = Array.FindIndex(lines, l => l.StartsWith("  " + ReportTail(typeof(Parcel).FullName!) + " ", StringComparison.Ordinal) && l.EndsWith(" 6", StringComparison.Ordinal));
        Assert.True(at > 0, output);
        Assert.Equal(["7", "4", "6"], lines[at].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        TrackerComparison twoRuns = TrackerComparison.Compare(data with { Run = data.Run with { ProcessId = -1 } }, data, "one", "two");
        Assert.Null(twoRuns.Objects);
        s_held.Clear();
    }

    private static string ReportTail(string name) => name.Length <= 33 ? name : "..." + name[^30..];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Hold(int count)
    {
        for (int i = 0; i < count; i++) s_held.Add(new Parcel { Weight = i, Volume = i });
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Drop(int count) => s_held.RemoveRange(0, count);
}
