using System.IO.Compression;
using System.Text;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;
using StatsView = Heapmon.Stats.TrackerStats;

namespace Heapmon.Tests.Stats;

public sealed class StatsFileTests
{
    private readonly string _dir = TestPaths.NewTempDirectory("stats");

    public static TheoryData<string> Datasets => ["factory", "large"];

    private static TrackerData Dataset(string name) => name == "factory" ? StatsFixtures.Factory() : StatsFixtures.Large();

    [Theory]
    [MemberData(nameof(Datasets))]
    public void DumpThenLoadRendersByteForByteTheSame(string dataset)
    {
        TrackerData original = Dataset(dataset);
        string path = Path.Combine(_dir, dataset + ".stats");
        new StatsView(original).DumpStats(path);

        TrackerData loaded = StatsView.Load(path).Data;

        Assert.Equal(StatsFixtures.Render(original), StatsFixtures.Render(loaded));
        Assert.Equal(StatsFixtures.Render(original, "size", "classname"), StatsFixtures.Render(loaded, "size", "classname"));
        // And the model itself, compared through a serializer that knows nothing of the stats format.
        Assert.Equal(StatsFixtures.Canonical(original), StatsFixtures.Canonical(loaded));
    }

    [Fact]
    public void LargeFixtureIsWhatTheIssueAsksFor()
    {
        TrackerData data = StatsFixtures.Large();
        Assert.Equal(10_000, data.Objects.Count);
        Assert.Equal(20, data.Snapshots.Count);
        Assert.True(data.Objects.Count(o => o.Samples.Any(s => s.Referents is { Children.Count: > 0 })) > 3000);
        Assert.Contains(data.Objects, o => o.Samples.Any(s => s.Referents?.Children.Any(c => c.Children.Count > 0) == true));
        Assert.Contains(data.Objects, o => o.Death is not null);
        Assert.Contains(data.Objects, o => o.Trace is not null);
        Assert.Contains(data.Objects, o => o.Samples.Zip(o.Samples.Skip(1)).Any(p => p.Second.SnapshotIndex > p.First.SnapshotIndex + 1));
    }

    [Fact]
    public void FileStartsWithGzipAndTheFormatHeader()
    {
        string path = Path.Combine(_dir, "f.stats");
        new StatsView(StatsFixtures.Factory()).DumpStats(path);
        byte[] raw = File.ReadAllBytes(path);
        Assert.Equal([0x1f, 0x8b], raw[..2]);
        string json = Gunzip(raw);
        Assert.StartsWith("{\"format\":\"heapmon-stats\",\"version\":1,\"run\":{", json, StringComparison.Ordinal);
        Assert.DoesNotContain("],\"total\":", json, StringComparison.Ordinal); // Snapshot.Total is derived, not stored
    }

    [Fact]
    public void DumpReplacesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        string path = Path.Combine(_dir, "replace.stats");
        File.WriteAllText(path, "old");
        new StatsView(StatsFixtures.Factory()).DumpStats(path);
        Assert.Equal(1001, StatsView.Load(path).Data.Objects.Count);
        Assert.Equal(["replace.stats"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void FailedDumpKeepsTheOldFile()
    {
        string path = Path.Combine(_dir, "keep.stats");
        new StatsView(StatsFixtures.Factory()).DumpStats(path);
        byte[] before = File.ReadAllBytes(path);
        TrackerData data = StatsFixtures.Factory();
        // A sample naming a snapshot that does not exist: refused before anything is written.
        var bad = data with { Objects = [data.Objects[0] with { Samples = [new SizeSample(9, 1, 1)] }] };

        Assert.Throws<ArgumentException>(() => new StatsView(bad).DumpStats(path));
        var renumbered = data with { Snapshots = [data.Snapshots[1] with { Index = 0 }, data.Snapshots[0] with { Index = 0 }] };
        Assert.Throws<ArgumentException>(() => new StatsView(renumbered).DumpStats(path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
        Assert.Throws<DirectoryNotFoundException>(() => new StatsView(data).DumpStats(Path.Combine(_dir, "no-such-dir", "x.stats")));
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        string path = Path.Combine(_dir, "absent.stats");
        var e = Assert.Throws<HeapmonFormatException>(() => StatsView.Load(path));
        Assert.Equal($"{path}: no such file", e.Message);
    }

    [Fact]
    public void FileOfAnotherFormatIsRefused()
    {
        string text = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(text, "just some text that is long enough");
        Assert.Equal("not a Heapmon stats file (not gzip-compressed)", Assert.Throws<HeapmonFormatException>(() => StatsView.Load(text)).Problem);

        string otherJson = Path.Combine(_dir, "other.json.gz");
        File.WriteAllBytes(otherJson, Gzip("{\"format\":\"speedscope\",\"version\":1}"));
        Assert.StartsWith("not a Heapmon stats file", Assert.Throws<HeapmonFormatException>(() => StatsView.Load(otherJson)).Problem, StringComparison.Ordinal);

        string array = Path.Combine(_dir, "array.json.gz");
        File.WriteAllBytes(array, Gzip("[1,2,3]"));
        Assert.StartsWith("not a Heapmon stats file", Assert.Throws<HeapmonFormatException>(() => StatsView.Load(array)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void NewerVersionIsRefusedByName()
    {
        string path = Path.Combine(_dir, "v2.stats");
        File.WriteAllBytes(path, Gzip("{\"format\":\"heapmon-stats\",\"version\":2,\"everything\":\"different\"}"));
        var e = Assert.Throws<HeapmonFormatException>(() => StatsView.Load(path));
        Assert.Equal("written by a newer Heapmon (stats format version 2; this version reads up to 1)", e.Problem);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(100)]
    public void TruncatedGzipIsRefused(int cut)
    {
        string path = Path.Combine(_dir, "cut.stats");
        new StatsView(StatsFixtures.Factory()).DumpStats(path);
        byte[] raw = File.ReadAllBytes(path);
        File.WriteAllBytes(path, raw[..^cut]);
        var e = Assert.Throws<HeapmonFormatException>(() => StatsView.Load(path));
        Assert.StartsWith("truncated or corrupt gzip data", e.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void InconsistentContentIsRefusedWithItsReason()
    {
        string path = Path.Combine(_dir, "bad.stats");
        new StatsView(StatsFixtures.Factory()).DumpStats(path);
        string json = Gunzip(File.ReadAllBytes(path));
        // Point the Factory's first sample at a snapshot the file does not have.
        File.WriteAllBytes(path, Gzip(json.Replace("\"snap\":[0,2]", "\"snap\":[0,7]", StringComparison.Ordinal)));
        var e = Assert.Throws<HeapmonFormatException>(() => StatsView.Load(path));
        Assert.Equal("corrupt stats data: object 1: samples name snapshots out of order or beyond the 2 in the file", e.Problem);

        File.WriteAllBytes(path, Gzip(json.Replace("\"name\":\"Assembly Line Unlimited\"", "\"name\":null", StringComparison.Ordinal)));
        Assert.StartsWith("corrupt stats data at $.objects", Assert.Throws<HeapmonFormatException>(() => StatsView.Load(path)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void WithSeveralDamagedObjectsTheFirstIsReported()
    {
        // Large enough to be decoded on several threads: the message must still name the first bad object.
        string path = Path.Combine(_dir, "two.stats");
        new StatsView(StatsFixtures.Large()).DumpStats(path);
        var document = System.Text.Json.Nodes.JsonNode.Parse(Gunzip(File.ReadAllBytes(path)))!;
        document["objects"]![9000]!["class"] = 1_000_000;
        document["objects"]![4000]!["class"] = 2_000_000;
        File.WriteAllBytes(path, Gzip(document.ToJsonString()));

        var e = Assert.Throws<HeapmonFormatException>(() => StatsView.Load(path));
        Assert.Equal("corrupt stats data: object 4001: string index 2000000 out of range", e.Problem);
    }

    internal static byte[] Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return output.ToArray();
    }

    internal static string Gunzip(byte[] raw)
    {
        using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
