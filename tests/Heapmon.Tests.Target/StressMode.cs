using System.Diagnostics;
using Heapmon.Heap;

namespace Heapmon.Tests.Target;

/// <summary>An item whose fields check each other: a wrong reference would fail the check.</summary>
public sealed class StressItem
{
    public StressItem(long a)
    {
        A = a;
        B = a * 31 + 7;
        Self = this;
    }

    public long A { get; }
    public long B { get; }
    public StressItem Self { get; }
    public string? Tag { get; set; }

    public bool IsConsistent => B == A * 31 + 7 && ReferenceEquals(Self, this);
}

/// <summary>Discoveries while four threads allocate garbage and replace and mutate the items at full speed.</summary>
public static class StressMode
{
    /// <summary>Up to <paramref name="discoveries"/> discoveries, stopping early after <paramref name="budget"/> (a shared CI machine).</summary>
    public static int Run(int discoveries, int instances, TimeSpan budget)
    {
        var items = new StressItem[instances];
        for (int i = 0; i < items.Length; i++) items[i] = new StressItem(i);
        using var stop = new CancellationTokenSource();
        long allocatedBytes = GC.GetTotalAllocatedBytes();
        Thread[] threads = [.. Enumerable.Range(0, 4).Select(t => new Thread(() => Mutate(items, t, stop.Token)) { IsBackground = true })];
        foreach (Thread thread in threads) thread.Start();

        int succeeded = 0, abandoned = 0, retries = 0, wrong = 0;
        long minFound = long.MaxValue, maxFound = 0, minExact = long.MaxValue, maxExact = 0, maxNewer = 0, unfinishedRegions = 0;
        var times = new List<double>();
        var unfinished = new List<StressItem>();
        var clock = Stopwatch.StartNew();
        int done = 0;
        for (int i = 0; i < discoveries && clock.Elapsed < budget; i++, done++)
        {
            try
            {
                // In a method of its own: a local here would keep the previous result (and so every
                // instance it found, dead or not) alive through the next discovery's GC.
                Discover(i, clock, times, unfinished, ref succeeded, ref retries, ref wrong, ref minFound, ref maxFound, ref minExact, ref maxExact, ref maxNewer, ref unfinishedRegions);
            }
            catch (HeapWalkException e)
            {
                abandoned++;
                retries += e.Attempts - 1;
                Console.WriteLine($"abandon|{e.Message}");
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        foreach (Thread thread in threads) thread.Join();
        // Every constructor has returned now: an item still inconsistent was never a right object.
        int underConstruction = unfinished.Count(item => item.IsConsistent);
        wrong += unfinished.Count - underConstruction;
        allocatedBytes = GC.GetTotalAllocatedBytes() - allocatedBytes;
        times.Sort();
        double median = times.Count > 0 ? times[times.Count / 2] : double.NaN;
        Console.WriteLine($"stress|{done}|{succeeded}|{abandoned}|{retries}|{wrong}|{minFound}|{maxFound}|{median:F1}|{seconds:F1}|{allocatedBytes / seconds / 1e6:F0}|{GC.CollectionCount(0)}|{minExact}|{maxExact}|{maxNewer}|{underConstruction}|{unfinishedRegions}");
        GC.KeepAlive(items);
        return 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Discover(int i, Stopwatch clock, List<double> times, List<StressItem> unfinished, ref int succeeded, ref int retries, ref int wrong,
        ref long minFound, ref long maxFound, ref long minExact, ref long maxExact, ref long maxNewer, ref long unfinishedRegions)
    {
        FoundInstances found = InstanceFinder.Find([typeof(StressItem)], false);
        succeeded++;
        retries += found.Attempts - 1;
        times.Add(found.Elapsed.TotalMilliseconds);
        foreach (object o in found.Instances)
        {
            if (o is not StressItem item || o.GetType() != typeof(StressItem)) wrong++;
            // A mutator stopped inside the constructor at the GC leaves an item alive but not yet
            // consistent: judged once every mutator has finished, by the caller.
            else if (!item.IsConsistent) unfinished.Add(item);
        }
        if (i % 10 == 0) Console.Error.WriteLine($"progress|{i}|{found.Attempts}|{found.Elapsed.TotalMilliseconds:F0}|{clock.Elapsed.TotalSeconds:F1}|{string.Join(",", InstanceFinder.LastPhases.Select(x => x.ToString("F0")))}|{found.ObjectsWalked}");
        minFound = Math.Min(minFound, found.Instances.Count);
        maxFound = Math.Max(maxFound, found.Instances.Count);
        // The instances outside PossiblyNewer are exactly those alive at the moment.
        long exact = found.Instances.Count - found.PossiblyNewer;
        minExact = Math.Min(minExact, exact);
        maxExact = Math.Max(maxExact, exact);
        maxNewer = Math.Max(maxNewer, found.PossiblyNewer);
        unfinishedRegions += found.UnfinishedRegions;
    }

    private static void Mutate(StressItem[] items, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        object?[] garbage = new object?[256];
        long n = 0;
        while (!stop.IsCancellationRequested)
        {
            int i = random.Next(items.Length);
            // Replace an item (the old one dies) and mutate another.
            items[i] = new StressItem(n++);
            items[random.Next(items.Length)].Tag = (n & 1) == 0 ? "even" : "odd";
            garbage[n & 255] = (n % 3) switch { 0 => new byte[random.Next(16, 512)], 1 => new List<int>(8), _ => new string('x', random.Next(1, 64)) };
        }
    }
}
