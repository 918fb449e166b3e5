using System.Diagnostics;
using Heapmon.Heap;

namespace Heapmon.Tests.Target;

/// <summary>
/// `torture <discoveries> <instances> <seconds> [fast|realistic]`: discoveries while three mutators replace and mutate the
/// items, allocate garbage and each call <c>GC.Collect()</c> every ~200,000 allocations (an induced GC ends a
/// no-GC region a walk holds). Two phases: "fast" (the mutators allocate as fast as they can; the target is
/// ~5 GB/s, the measured rate is printed) and "realistic" (~0.5 GB/s). Each phase counts what every
/// discovery threw, by exception, the wrong objects and the successes, and prints
/// `torture|phase|done|succeeded|wrong|MB/s|collects|median ms|seconds` and `thrown|phase|exception|count|message`.
/// Every exception is caught and counted: exit code 0 unless the harness itself failed.
/// </summary>
internal static class TortureMode
{
    private const int CollectEvery = 200_000;
    private const long RealisticBytesPerSecond = 500_000_000;

    /// <summary>Each phase runs up to <paramref name="discoveries"/> discoveries, stopping early after <paramref name="budget"/>.</summary>
    public static int Run(int discoveries, int instances, TimeSpan budget, string only)
    {
        var items = new StressItem[instances];
        for (int i = 0; i < items.Length; i++) items[i] = new StressItem(i);
        if (only is "" or "fast") RunPhase("fast", items, discoveries, budget, bytesPerSecond: 0);
        if (only is "" or "realistic") RunPhase("realistic", items, discoveries, budget, RealisticBytesPerSecond);
        GC.KeepAlive(items);
        return 0;
    }

    private static void RunPhase(string phase, StressItem[] items, int discoveries, TimeSpan budget, long bytesPerSecond)
    {
        using var stop = new CancellationTokenSource();
        var collects = new StrongBox<long>();
        Thread[] threads = [.. Enumerable.Range(0, 3).Select(t => new Thread(() => Mutate(items, t, bytesPerSecond / 3, collects, stop.Token)) { IsBackground = true })];
        long allocated = GC.GetTotalAllocatedBytes();
        foreach (Thread thread in threads) thread.Start();

        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < discoveries && clock.Elapsed < budget; i++)
        {
            try
            {
                Discover(tally);
            }
            catch (Exception e)
            {
                tally.Threw(e);
            }
            if (i % 20 == 0) Console.Error.WriteLine($"progress|{phase}|{i}|{tally.Succeeded}|{clock.Elapsed.TotalSeconds:F1}");
        }
        double seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        foreach (Thread thread in threads) thread.Join();
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        tally.JudgeUnfinished();
        Console.WriteLine($"torture|{phase}|{tally.Done}|{tally.Succeeded}|{tally.Wrong}|{allocated / seconds / 1e6:F0}|{collects.Value}|{tally.Median:F1}|{seconds:F1}");
        foreach ((string exception, (int count, string message)) in tally.Thrown)
            Console.WriteLine($"thrown|{phase}|{exception}|{count}|{message.ReplaceLineEndings(" ")}");
    }

    // In a method of its own: a local of the caller would keep the previous result alive through the next GC.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Discover(Tally tally)
    {
        FoundInstances found = InstanceFinder.Find([typeof(StressItem)], false);
        tally.Succeed(found.Elapsed.TotalMilliseconds);
        foreach (object o in found.Instances)
        {
            if (o is not StressItem item || o.GetType() != typeof(StressItem)) tally.Wrong++;
            // Caught inside its constructor: judged once every mutator has finished.
            else if (!item.IsConsistent) tally.Unfinished.Add(item);
        }
    }

    /// <summary>Replaces and mutates items and allocates garbage; at <paramref name="bytesPerSecond"/> (0: flat out).</summary>
    private static void Mutate(StressItem[] items, int seed, long bytesPerSecond, StrongBox<long> collects, CancellationToken stop)
    {
        // The stress test's mix (~170 bytes per allocation): many allocations per byte, so many GC.Collect() calls.
        var random = new Random(seed);
        object?[] garbage = new object?[256];
        long start = GC.GetAllocatedBytesForCurrentThread(), n = 0, allocations = 0;
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            items[random.Next(items.Length)] = new StressItem(n++);
            items[random.Next(items.Length)].Tag = (n & 1) == 0 ? "even" : "odd";
            garbage[n & 255] = (n % 4) switch { 0 => new List<int>(8), 1 => new string('x', random.Next(1, 64)), _ => new byte[random.Next(16, 512)] };
            allocations += n % 4 == 0 ? 3 : 2; // the item, the garbage (a list is two objects)
            if (allocations >= CollectEvery)
            {
                allocations = 0;
                GC.Collect();
                Interlocked.Increment(ref collects.Value);
            }
            if (bytesPerSecond > 0 && (n & 63) == 0)
                while (!stop.IsCancellationRequested && GC.GetAllocatedBytesForCurrentThread() - start > clock.Elapsed.TotalSeconds * bytesPerSecond)
                    Thread.Sleep(1);
        }
    }

    private sealed class StrongBox<T> where T : struct
    {
        public T Value;
    }

    private sealed class Tally
    {
        private readonly List<double> _times = [];

        public int Done { get; private set; }
        public int Succeeded { get; private set; }
        public int Wrong;
        public List<StressItem> Unfinished { get; } = [];
        public SortedDictionary<string, (int Count, string Message)> Thrown { get; } = new(StringComparer.Ordinal);
        public double Median => _times.Count == 0 ? double.NaN : _times.Order().ElementAt(_times.Count / 2);

        public void Succeed(double milliseconds)
        {
            Done++;
            Succeeded++;
            _times.Add(milliseconds);
        }

        public void Threw(Exception e)
        {
            Done++;
            string key = e is HeapWalkException walk ? $"{e.GetType().FullName}({walk.Reason})" : e.GetType().FullName!;
            (int count, string message) = Thrown.GetValueOrDefault(key, (0, e.Message));
            Thrown[key] = (count + 1, message);
        }

        /// <summary>Every constructor has returned now: an item still inconsistent was never a right object.</summary>
        public void JudgeUnfinished()
        {
            Wrong += Unfinished.Count(item => !item.IsConsistent);
            Unfinished.Clear();
        }
    }
}
