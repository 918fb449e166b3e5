using Heapmon.Allocations;

namespace Heapmon.Tests.Allocations;

public sealed class SnapshotFileTests
{
    private static AllocationSnapshot Sample() => SyntheticSnapshots.Make(
    [
        SyntheticSnapshots.Trace(0x7f00_0000_1000, "System.Byte[]", 1_024, SyntheticSnapshots.Frame("a.cs", 1), SyntheticSnapshots.Frame("b.cs", 2)),
        SyntheticSnapshots.Trace(0x7f00_0000_2000, "App.Node", 32, SyntheticSnapshots.Frame("a.cs", 5)),
        SyntheticSnapshots.Trace(0x7f00_0000_3000, "System.String", 64),
    ], metrics: [new Metric("gc.heap_size", 123_456, MetricFormat.Size), new Metric("frag", 0.25, MetricFormat.Percent)]);

    [Fact]
    public void WrittenSnapshotReadsBackIdentically()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory("alloc-file"), "s.json");
        AllocationSnapshot original = Sample();
        original.Write(path);
        AllocationSnapshot loaded = AllocationSnapshot.Load(path);

        Assert.Equal(original.Timestamp, loaded.Timestamp);
        Assert.Equal(original.ProcessId, loaded.ProcessId);
        Assert.Equal(original.TracebackLimit, loaded.TracebackLimit);
        Assert.Equal(original.Traces!.Select(t => (t.Address, t.TypeName, t.Size, string.Join("|", t.Traceback))),
            loaded.Traces!.Select(t => (t.Address, t.TypeName, t.Size, string.Join("|", t.Traceback))));
        Assert.Equal(original.Traces![0].Traceback, loaded.Traces![0].Traceback); // method names survive too
        Assert.Equal(original.Metrics.Values.OrderBy(m => m.Name), loaded.Metrics.Values.OrderBy(m => m.Name));
        foreach (GroupBy by in Enum.GetValues<GroupBy>())
        {
            var before = original.TopBy(by).Stats;
            var after = loaded.TopBy(by).Stats;
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            foreach (var (key, stats) in before) Assert.Equal(stats.Size, after[key].Size);
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp")); // the temp file was renamed, not left behind
    }

    [Fact]
    public void LoadingWithoutTracesKeepsStatisticsOnly()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory("alloc-file"), "s.json");
        Sample().Write(path);
        AllocationSnapshot loaded = AllocationSnapshot.Load(path, traces: false);
        Assert.Null(loaded.Traces);
        Assert.Equal(3, loaded.SampleCount);
        Assert.Throws<InvalidOperationException>(() => loaded.TopBy(GroupBy.Address));
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "", "not a Heapmon allocation snapshot, or truncated" },
        { "hello", "not a Heapmon allocation snapshot, or truncated" },
        { """{"format":"heapmon-stats","version":1}""", "not a Heapmon allocation snapshot (no \"format\"" },
        { """{"format":"heapmon-allocations","version":99}""", "written by a newer Heapmon (allocation snapshot format version 99; this version reads up to 1)" },
        { """{"format":"heapmon-allocations","version":1,"timestamp":"2026-01-01T00:00:00Z","pid":1,"tracebackLimit":1,"metrics":[],"stats":[["a.cs",1,"T",1,1.0,0.0]]}""", "corrupt allocation snapshot" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFilesAreRefusedWithThePathAndTheProblem(string content, string problem)
    {
        string path = Path.Combine(TestPaths.NewTempDirectory("alloc-bad"), "bad.json");
        File.WriteAllText(path, content);
        var error = Assert.Throws<HeapmonFormatException>(() => AllocationSnapshot.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void TruncatedFileIsRefused()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory("alloc-bad"), "cut.json");
        Sample().Write(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        var error = Assert.Throws<HeapmonFormatException>(() => AllocationSnapshot.Load(path));
        Assert.Contains("truncated", error.Problem);
    }

    [Fact]
    public void MissingFileIsRefused() =>
        Assert.Contains("no such file", Assert.Throws<HeapmonFormatException>(() => AllocationSnapshot.Load("/nonexistent/x.json")).Problem);

    [Fact]
    public void AFailedWriteLeavesTheOldFileIntactAndNoTempFile()
    {
        string dir = TestPaths.NewTempDirectory("alloc-fail");
        string path = Path.Combine(dir, "s.json");
        Sample().Write(path);
        byte[] before = File.ReadAllBytes(path);
        // JSON has no NaN: the writer fails halfway through the new file.
        AllocationSnapshot broken = SyntheticSnapshots.Make([], metrics: [new Metric("broken", double.NaN, MetricFormat.Int)]);
        Assert.ThrowsAny<ArgumentException>(() => broken.Write(path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir));
    }

    [Fact]
    public void WritingIntoAMissingFolderIsAnIOError() =>
        Assert.ThrowsAny<IOException>(() => Sample().Write("/nonexistent-heapmon-dir/s.json"));
}
