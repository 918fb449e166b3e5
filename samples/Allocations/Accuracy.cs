using System.Runtime.CompilerServices;
using System.Text.Json;
using Heapmon.Allocations;

namespace AllocationsSample;

/// <summary>
/// Known amounts at known lines, for the accuracy tests. Each site is one line (a loop and its
/// allocation together), marked <c>// site:NAME</c> so tests find its line in this file. The truth
/// (bytes from the GC's exact per-thread counter, counts from the loop) is written next to each snapshot.
/// </summary>
internal static class Accuracy
{
    public static object? Sink;

    public sealed record Truth(string Site, string Type, long Count, long Bytes);

    /// <summary>Part A: eight sites from 100 KB to 200 MB, objects from 24 B to 1 MB, seven types.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static List<Truth> Sites()
    {
        var truth = new List<Truth>();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 62_500; i++) Sink = new object(); // site:object24
        Record(truth, "object24", "System.Object", 62_500, ref before);
        for (int i = 0; i < 156_250; i++) Sink = new Node(i, i); // site:node32
        Record(truth, "node32", "AllocationsSample.Node", 156_250, ref before);
        for (int i = 0; i < 53_571; i++) Sink = new string('x', 100); // site:string224
        Record(truth, "string224", "System.String", 53_571, ref before);
        for (int i = 0; i < 30_000; i++) Sink = new byte[1000]; // site:bytes1k
        Record(truth, "bytes1k", "System.Byte[]", 30_000, ref before);
        for (int i = 0; i < 1_750; i++) Sink = new int[10_000]; // site:ints40k
        Record(truth, "ints40k", "System.Int32[]", 1_750, ref before);
        for (int i = 0; i < 1_500; i++) Sink = new byte[100_000]; // site:bytes100k
        Record(truth, "bytes100k", "System.Byte[]", 1_500, ref before);
        for (int i = 0; i < 200; i++) Sink = new long[131_072]; // site:longs1m
        Record(truth, "longs1m", "System.Int64[]", 200, ref before);
        for (int i = 0; i < 800; i++) Sink = new char[50]; // site:chars128
        Record(truth, "chars128", "System.Char[]", 800, ref before);
        return truth;
    }

    /// <summary>Part B: many single-size groups told apart by type (arrays of distinct tag structs), for interval coverage.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static List<Truth> TaggedGroups(int seed)
    {
        var random = new Random(seed);
        var truth = new List<Truth>();
        Add<Tag00>(truth, random); Add<Tag01>(truth, random); Add<Tag02>(truth, random); Add<Tag03>(truth, random);
        Add<Tag04>(truth, random); Add<Tag05>(truth, random); Add<Tag06>(truth, random); Add<Tag07>(truth, random);
        Add<Tag08>(truth, random); Add<Tag09>(truth, random); Add<Tag10>(truth, random); Add<Tag11>(truth, random);
        Add<Tag12>(truth, random); Add<Tag13>(truth, random); Add<Tag14>(truth, random); Add<Tag15>(truth, random);
        Add<Tag16>(truth, random); Add<Tag17>(truth, random); Add<Tag18>(truth, random); Add<Tag19>(truth, random);
        Add<Tag20>(truth, random); Add<Tag21>(truth, random); Add<Tag22>(truth, random); Add<Tag23>(truth, random);
        Add<Tag24>(truth, random); Add<Tag25>(truth, random); Add<Tag26>(truth, random); Add<Tag27>(truth, random);
        Add<Tag28>(truth, random); Add<Tag29>(truth, random);
        return truth;
    }

    private static void Add<T>(List<Truth> truth, Random random) where T : struct
    {
        // Object sizes from 24 B to 64 KB, totals from 200 KB to 3 MB.
        int length = random.Next(5) switch { 0 => 0, 1 => random.Next(1, 200), 2 => random.Next(200, 4000), 3 => random.Next(4000, 20_000), _ => random.Next(20_000, 65_000) };
        long objectBytes = (24 + length + 7) / 8 * 8;
        long target = random.NextInt64(200_000, 3_000_000);
        int count = (int)Math.Max(1, target / objectBytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Allocate<T>(count, length);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        truth.Add(new Truth(typeof(T).Name + "[]", typeof(T).FullName + "[]", count, bytes));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Allocate<T>(int count, int length) where T : struct
    {
        for (int i = 0; i < count; i++) Sink = new T[length];
    }

    private static void Record(List<Truth> truth, string site, string type, long count, ref long before)
    {
        long now = GC.GetAllocatedBytesForCurrentThread();
        truth.Add(new Truth(site, type, count, now - before));
        before = GC.GetAllocatedBytesForCurrentThread(); // Record's own list growth stays out of the next site
    }

    /// <summary>Runs part A once and part B <paramref name="rounds"/> times, writing snapshot and truth files to <paramref name="directory"/>.</summary>
    public static void Run(string directory, int rounds)
    {
        Directory.CreateDirectory(directory);
        AllocationTracer.Start();
        try
        {
            List<Truth> sites = Sites();
            AllocationSnapshot.Take(traces: false, metrics: true).Write(Path.Combine(directory, "sites.json"));
            File.WriteAllText(Path.Combine(directory, "sites.truth.json"), JsonSerializer.Serialize(sites));
            for (int round = 0; round < rounds; round++)
            {
                AllocationTracer.ClearTraces();
                List<Truth> groups = TaggedGroups(seed: round);
                AllocationSnapshot.Take(traces: false, metrics: false).Write(Path.Combine(directory, $"tagged-{round}.json"));
                File.WriteAllText(Path.Combine(directory, $"tagged-{round}.truth.json"), JsonSerializer.Serialize(groups));
            }
        }
        finally
        {
            AllocationTracer.Stop();
        }
    }
}

#pragma warning disable CS0169 // tag structs: only their distinct types matter
internal struct Tag00 { private byte _b; }
internal struct Tag01 { private byte _b; }
internal struct Tag02 { private byte _b; }
internal struct Tag03 { private byte _b; }
internal struct Tag04 { private byte _b; }
internal struct Tag05 { private byte _b; }
internal struct Tag06 { private byte _b; }
internal struct Tag07 { private byte _b; }
internal struct Tag08 { private byte _b; }
internal struct Tag09 { private byte _b; }
internal struct Tag10 { private byte _b; }
internal struct Tag11 { private byte _b; }
internal struct Tag12 { private byte _b; }
internal struct Tag13 { private byte _b; }
internal struct Tag14 { private byte _b; }
internal struct Tag15 { private byte _b; }
internal struct Tag16 { private byte _b; }
internal struct Tag17 { private byte _b; }
internal struct Tag18 { private byte _b; }
internal struct Tag19 { private byte _b; }
internal struct Tag20 { private byte _b; }
internal struct Tag21 { private byte _b; }
internal struct Tag22 { private byte _b; }
internal struct Tag23 { private byte _b; }
internal struct Tag24 { private byte _b; }
internal struct Tag25 { private byte _b; }
internal struct Tag26 { private byte _b; }
internal struct Tag27 { private byte _b; }
internal struct Tag28 { private byte _b; }
internal struct Tag29 { private byte _b; }
#pragma warning restore CS0169
