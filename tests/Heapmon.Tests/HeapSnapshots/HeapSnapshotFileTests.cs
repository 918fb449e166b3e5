using Heapmon.Cli;
using Heapmon.Model;
using Heapmon.Stats;
using StatsView = Heapmon.Stats.TrackerStats;

namespace Heapmon.Tests.HeapSnapshots;

/// <summary>
/// The heap snapshot file read back, and every kind of bad file refused with one clear line. In the heap-walk
/// collection: thousands of damaged files make garbage a census taken meanwhile would count.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapSnapshotFileTests
{
    private readonly string _dir = TestPaths.NewTempDirectory("heapsnap-file");

    internal static HeapSnapshotData Sample(string orderType = "Shop.Order", long orders = 1_000, bool graph = true)
    {
        HeapTypeSummary[] types =
        [
            new("System.Collections.Generic.Dictionary<System.Int32, " + orderType + ">", 1, 80, 72_080),
            new(orderType, orders, orders * 32, orders * 64),
            new("System.String", 2_000, 64_000, 64_000),
        ];
        HeapRootSummary[] roots = [new(GcRootKind.StaticField, 12, 72_080), new(GcRootKind.StrongHandle, 3, 0)];
        HeapRetainer[] retainers =
        [
            new(types[0].TypeName, 80, 72_080, GcRootKind.StaticField, "static Shop.Cache.s_orders", [types[0].TypeName],
                [types[0], new HeapTypeSummary(orderType, orders, orders * 32, orders * 64)]),
        ];
        SnapshotGraph? kept = graph
            ? new SnapshotGraph([0, 1, 1, 2], [80, 32, 32, 40], [0, 2, 3, 3, 3], [1, 2, 3], [0], [GcRootKind.StaticField], ["static Shop.Cache.s_orders"])
            : null;
        return new HeapSnapshotData(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)), 4242, "shop",
            new HeapProcessFigures(100 << 20, 40 << 20, 60 << 20, 1 << 20), types, roots, retainers, 7, 560) { Graph = kept };
    }

    [Fact]
    public void EverythingReadsBackAsWritten()
    {
        string path = Path.Combine(_dir, "a.heapsnap");
        HeapSnapshotData written = Sample();
        HeapSnapshotFile.Save(written, path);

        HeapSnapshotData read = HeapSnapshotFile.Load(path, graph: true);

        Assert.Equal(written.Timestamp, read.Timestamp);
        Assert.Equal(written.Timestamp.Offset, read.Timestamp.Offset);
        Assert.Equal((written.ProcessId, written.ProcessName, written.Process), (read.ProcessId, read.ProcessName, read.Process));
        Assert.Equal((written.UnreachedCount, written.UnreachedBytes, written.ObjectCount, written.TotalBytes), (read.UnreachedCount, read.UnreachedBytes, read.ObjectCount, read.TotalBytes));
        Assert.Equal(written.Types, read.Types);
        Assert.Equal(written.Roots, read.Roots);
        HeapRetainer w = written.Retainers[0], r = read.Retainers[0];
        Assert.Equal((w.TypeName, w.Bytes, w.RetainedBytes, w.RootKind, w.Root), (r.TypeName, r.Bytes, r.RetainedBytes, r.RootKind, r.Root));
        Assert.Equal(w.Path, r.Path);
        Assert.Equal(w.Held, r.Held);
        SnapshotGraph g = read.Graph!;
        Assert.Equal(written.Graph!.Types, g.Types);
        Assert.Equal(written.Graph.Sizes, g.Sizes);
        Assert.Equal(written.Graph.Offsets, g.Offsets);
        Assert.Equal(written.Graph.Edges, g.Edges);
        Assert.Equal(written.Graph.RootLabels, g.RootLabels);
        Assert.False(HeapSnapshotFile.Load(path).HasGraph);   // the graph is read only when asked for
    }

    [Fact]
    public void EveryTruncationIsRefusedAsTruncatedOrCorrupt()
    {
        string path = Path.Combine(_dir, "full.heapsnap");
        HeapSnapshotFile.Save(Sample(), path);
        byte[] raw = File.ReadAllBytes(path);
        string cut = Path.Combine(_dir, "cut.heapsnap");
        for (int length = 0; length < raw.Length; length++)
        {
            File.WriteAllBytes(cut, raw[..length]);
            var e = Assert.Throws<HeapmonFormatException>(() => HeapSnapshotFile.Load(cut, graph: true));
            Assert.Equal(cut, e.Path);
            Assert.Equal("heapmon-heap-snapshot", e.Format);
            Assert.Matches("truncated|corrupt", e.Problem);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void DamagedBytesNeverGiveAnotherException()
    {
        string path = Path.Combine(_dir, "full.heapsnap");
        HeapSnapshotFile.Save(Sample(), path);
        byte[] raw = File.ReadAllBytes(path);
        var random = new Random(7);
        string bad = Path.Combine(_dir, "bad.heapsnap");
        for (int i = 0; i < 2_000; i++)
        {
            byte[] copy = (byte[])raw.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(bad, copy);
            try
            {
                HeapSnapshotFile.Load(bad, graph: true);
            }
            catch (HeapmonFormatException e)
            {
                Assert.StartsWith(bad + ": ", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void OtherFormatsAndNewerVersionsAreRefusedByName()
    {
        string stats = Path.Combine(_dir, "run.stats");
        new StatsView(Heapmon.Tests.Stats.StatsFixtures.Factory()).DumpStats(stats);
        var e = Assert.Throws<HeapmonFormatException>(() => HeapSnapshotFile.Load(stats));
        Assert.Equal("not a Heapmon heap snapshot: the file is a Heapmon stats file (heapmon-stats, version 1)", e.Problem);

        string heap = Path.Combine(_dir, "a.heapsnap");
        HeapSnapshotFile.Save(Sample(), heap);
        Assert.Equal("not a Heapmon stats file: the file is a Heapmon heap snapshot (heapmon-heap-snapshot, version 1)",
            Assert.Throws<HeapmonFormatException>(() => StatsView.Load(heap)).Problem);

        byte[] raw = File.ReadAllBytes(heap);
        int versionAt = 8 + 1 + "heapmon-heap-snapshot".Length;
        raw[versionAt] = 9;
        string future = Path.Combine(_dir, "future.heapsnap");
        File.WriteAllBytes(future, raw);
        e = Assert.Throws<HeapmonFormatException>(() => HeapSnapshotFile.Load(future));
        Assert.Equal("written by a newer Heapmon (heap snapshot format version 9; this version reads up to 1)", e.Problem);
        Assert.Equal(9, e.Version);

        string text = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(text, "hello");
        Assert.Equal("not a Heapmon heap snapshot, or truncated (no heapmon-heap-snapshot header)", Assert.Throws<HeapmonFormatException>(() => HeapSnapshotFile.Load(text)).Problem);
    }

    [Fact]
    public void CliRefusesABadFileWithOneLineAndExitCodeTwo()
    {
        string heap = Path.Combine(_dir, "a.heapsnap");
        HeapSnapshotFile.Save(Sample(), heap);
        string missing = Path.Combine(_dir, "missing.heapsnap");
        var stderr = new StringWriter();
        Assert.Equal(2, HeapmonCli.Run(["heap", "diff", heap, missing], new StringWriter(), stderr));
        Assert.Equal($"heapmon: error: {missing}: no such file", stderr.ToString().Trim());
    }

    [Fact]
    public void RenamedTypesShowAsGoneAndNew()
    {
        HeapSnapshotDiff diff = HeapSnapshotDiff.Compare(Sample("Shop.Order"), Sample("Shop.PurchaseOrder", orders: 1_200));
        HeapTypeChange gone = diff.Types.Single(t => t.TypeName == "Shop.Order");
        HeapTypeChange added = diff.Types.Single(t => t.TypeName == "Shop.PurchaseOrder");
        Assert.Equal((HeapTypeChangeKind.Gone, -1_000L, -32_000L), (gone.Kind, gone.CountDelta, gone.BytesDelta));
        Assert.Equal((HeapTypeChangeKind.New, 1_200L, 38_400L), (added.Kind, added.CountDelta, added.BytesDelta));
        Assert.Equal(HeapTypeChangeKind.Both, diff.Types.Single(t => t.TypeName == "System.String").Kind);
        Assert.Equal(added, diff.Types[0]);
        Assert.True(diff.Types.Zip(diff.Types.Skip(1)).All(p => p.First.RetainedDelta >= p.Second.RetainedDelta), "not sorted by retained growth");
    }
}
