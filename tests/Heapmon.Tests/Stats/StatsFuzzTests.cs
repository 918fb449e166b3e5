using Heapmon.Model;
using Xunit.Abstractions;
using System.Text;
using Heapmon.Stats;
using Heapmon.Tracking;
using StatsView = Heapmon.Stats.TrackerStats;

namespace Heapmon.Tests.Stats;

/// <summary>
/// Corrupted dumps: every variant either loads a model every renderer can print, or is refused with
/// <see cref="HeapmonFormatException"/> — never another exception, a hang or a partial model.
/// </summary>
public sealed class StatsFuzzTests
{
    private readonly string _dir = TestPaths.NewTempDirectory("fuzz");
    private readonly byte[] _dump;
    private readonly byte[] _otherDump;

    private readonly ITestOutputHelper _log;

    public StatsFuzzTests(ITestOutputHelper log)
    {
        _log = log;
        _dump = Dump(StatsFixtures.Large(objectCount: 120, snapshotCount: 6, seed: 3), "real.stats");
        _otherDump = Dump(StatsFixtures.Factory(), "other.stats");
    }

    [Fact]
    public void CorruptedFilesLoadOrFailWithTheFormatException()
    {
        var random = new Random(20261121);
        var outcome = new Outcome();
        for (int i = 0; i < 2000; i++)
        {
            (string kind, byte[] variant) = (i % 4) switch
            {
                0 => ("bit flips", FlipBits(_dump, random)),
                1 => ("truncation", _dump[..random.Next(0, _dump.Length)]),
                2 => ("splice", Splice(_dump, _dump, random)),
                _ => ("splice with another dump", Splice(_dump, _otherDump, random)),
            };
            Check(kind, variant, outcome);
        }
        _log.WriteLine($"{_dump.Length} bytes: {outcome}");
        // Truncation can never pass: the gzip trailer's length check catches the cut.
        Assert.Equal(0, outcome.Loaded("truncation"));
        Assert.True(outcome.Total >= 2000, outcome.ToString());
    }

    [Fact]
    public void CorruptedDocumentsInsideValidGzipLoadOrFailWithTheFormatException()
    {
        // Valid gzip around damaged JSON: this reaches the parser and the model checks, not just the CRC.
        string json = StatsFileTests.Gunzip(_dump);
        byte[] payload = Encoding.UTF8.GetBytes(json);
        var random = new Random(5);
        var outcome = new Outcome();
        for (int i = 0; i < 1200; i++)
        {
            (string kind, byte[] variant) = (i % 4) switch
            {
                0 => ("bit flips", FlipBits(payload, random)),
                1 => ("truncation", payload[..random.Next(0, payload.Length)]),
                2 => ("splice", Splice(payload, payload, random)),
                _ => ("digit change", ChangeDigits(payload, random)),
            };
            Check(kind, Gzip(variant), outcome);
        }
        _log.WriteLine($"{payload.Length} bytes of JSON: {outcome}");
        Assert.True(outcome.Refused("truncation") == 300, outcome.ToString());
        Assert.True(outcome.LoadedTotal > 30, "some variants should still be valid models: " + outcome);
        Assert.True(outcome.RefusedTotal > 600, outcome.ToString());
    }

    private void Check(string kind, byte[] variant, Outcome outcome)
    {
        string path = Path.Combine(_dir, "variant.stats");
        File.WriteAllBytes(path, variant);
        TrackerData data;
        try
        {
            data = StatsView.Load(path).Data;
        }
        catch (HeapmonFormatException e)
        {
            Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
            outcome.Add(kind, loaded: false);
            return;
        }
        // Loaded: the model must be one every renderer prints without failing.
        var output = new StringWriter();
        var stats = new ConsoleStats(data, output);
        stats.PrintSummary();
        stats.SortStats().PrintStats();
        stats.SortStats("size").PrintStats(limit: 5, filter: "*Node*");
        Assert.NotEmpty(StatsFixtures.Canonical(data));
        outcome.Add(kind, loaded: true);
    }

    private byte[] Dump(TrackerData data, string name)
    {
        string path = Path.Combine(_dir, name);
        new StatsView(data).DumpStats(path);
        return File.ReadAllBytes(path);
    }

    private static byte[] FlipBits(byte[] source, Random random)
    {
        byte[] copy = [.. source];
        int flips = random.Next(1, 4);
        for (int f = 0; f < flips; f++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    /// <summary>A section of <paramref name="donor"/> written over, or inserted into, a section of <paramref name="target"/>.</summary>
    private static byte[] Splice(byte[] target, byte[] donor, Random random)
    {
        int from = random.Next(donor.Length), length = random.Next(1, Math.Min(512, donor.Length - from) + 1);
        int at = random.Next(target.Length);
        var section = donor.AsSpan(from, length);
        if (random.Next(2) == 0)
        {
            byte[] over = [.. target];
            section[..Math.Min(length, over.Length - at)].CopyTo(over.AsSpan(at));
            return over;
        }
        return [.. target.AsSpan(0, at), .. section, .. target.AsSpan(at)];
    }

    private static byte[] ChangeDigits(byte[] source, Random random)
    {
        byte[] copy = [.. source];
        for (int tries = 0, changed = 0; tries < 1000 && changed < 2; tries++)
        {
            int at = random.Next(copy.Length);
            if (copy[at] is >= (byte)'0' and <= (byte)'9') { copy[at] = (byte)('0' + random.Next(10)); changed++; }
            else if (copy[at] == (byte)',' && random.Next(4) == 0) { copy[at] = (byte)'-'; changed++; }
        }
        return copy;
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    private sealed class Outcome
    {
        private readonly Dictionary<(string, bool), int> _counts = [];

        public int Total => _counts.Values.Sum();

        public int LoadedTotal => _counts.Where(c => c.Key.Item2).Sum(c => c.Value);

        public int RefusedTotal => _counts.Where(c => !c.Key.Item2).Sum(c => c.Value);

        public void Add(string kind, bool loaded) => _counts[(kind, loaded)] = _counts.GetValueOrDefault((kind, loaded)) + 1;

        public int Loaded(string kind) => _counts.GetValueOrDefault((kind, true));

        public int Refused(string kind) => _counts.GetValueOrDefault((kind, false));

        public override string ToString() => string.Join(", ", _counts.OrderBy(c => c.Key.Item1).Select(c => $"{c.Key.Item1} {(c.Key.Item2 ? "loaded" : "refused")}: {c.Value}"));
    }
}
