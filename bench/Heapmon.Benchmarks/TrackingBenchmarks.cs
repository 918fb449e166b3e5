using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Benchmarks;

/// <summary>
/// Targets: periodic snapshots at 10 Hz for 5 s with 100,000 tracked instances cost under
/// 10% of a core, and the tracker keeps under 64 bytes of bookkeeping per tracked object while it is
/// not sizing. One invocation each: the run itself is the measurement; the figures are printed.
/// Run: dotnet run -c Release --project bench/Heapmon.Benchmarks -- --filter '*Tracking*'
/// </summary>
[Config(typeof(OneRunInProcess))]
public class TrackingBenchmarks
{
    /// <summary>One invocation, in this process: no generated project to build (that timed out on the loaded CI machine).</summary>
    private sealed class OneRunInProcess : ManualConfig
    {
        public OneRunInProcess() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0)
            .WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }

    private const int Instances = 100_000;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How the instances are announced: one by one, or found by class tracking's heap walks (in an idle
    /// program, where walks can be skipped, and in one whose other thread replaces 10,000 instances a
    /// second, so every snapshot walks); the last mode replaces deep sizing with shallow sizes, which
    /// isolates the tracker's own cost from the sizer's.
    /// </summary>
    [Params("TrackObject", "TrackClass", "TrackClass, program allocating", "TrackObject, shallow sizes")]
    public string Mode { get; set; } = "TrackObject";

    [Benchmark]
    public void PeriodicSnapshotsAt10HzFor5s()
    {
        // HEAPMON_BENCH_MODE=<mode>: only that mode, so each can be measured cold in a process of its own
        // (in one process the first mode pays the JIT for the code every mode shares).
        if (Environment.GetEnvironmentVariable("HEAPMON_BENCH_MODE") is { Length: > 0 } only && only != Mode) return;
        var discovery = new TimedSource(TrackerBackends.InstanceSource());
        using ClassTracker tracker = new(Mode.Contains("shallow") ? new ShallowMeasurer() : TrackerBackends.Measurer(), discovery);
        bool byClass = Mode.StartsWith("TrackClass", StringComparison.Ordinal);
        if (byClass) tracker.TrackClass<Worker>();
        Worker[] workers = Hire(Instances);
        long before = ManagedBytes();
        if (byClass) tracker.CreateSnapshot("found by the heap walk");
        else foreach (Worker worker in workers) tracker.TrackObject(worker);
        long bookkeeping = ManagedBytes() - before;
        using var program = new ProgramThread(Mode.Contains("allocating") ? workers : null);
        WarmUp(tracker);
        tracker.CreateSnapshot("warm-up");

        TimeSpan idleCpu = CpuDuring(() => Thread.Sleep(s_duration)); // the baseline: same process, same heap, same program, no snapshots
        TimeSpan snapshotWall = tracker.Diagnostics.SnapshotTime;
        int snapshotsBefore = tracker.Snapshots.Count;
        long discoveryBytesBefore = discovery.Allocated;
        TimeSpan discoveryBefore = discovery.Elapsed, pausesBefore = GC.GetTotalPauseDuration();
        Dictionary<string, long> threadsBefore = ThreadTicks();
        TimeSpan[] phasesBefore = tracker.Diagnostics.PhaseTimes;
        long bytesBefore = tracker.Diagnostics.SnapshotBytes;
        (TimeSpan Time, long Methods) jitBefore = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
        TimeSpan busyCpu = CpuDuring(() =>
        {
            tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(100));
            Thread.Sleep(s_duration);
            tracker.StopPeriodicSnapshots();
        });
        (TimeSpan Time, long Methods) jit = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore.Time, System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore.Methods);
        int taken = tracker.Snapshots.Count - snapshotsBefore;
        string threads = string.Join(", ", ThreadTicks().Select(kv => (kv.Key, Ticks: kv.Value - threadsBefore.GetValueOrDefault(kv.Key)))
            .Where(t => t.Ticks > 0).OrderByDescending(t => t.Ticks).Take(5).Select(t => $"{t.Key} {t.Ticks * 10} ms"));
        TimeSpan discoveryWall = discovery.Elapsed - discoveryBefore, pauses = GC.GetTotalPauseDuration() - pausesBefore;
        snapshotWall = tracker.Diagnostics.SnapshotTime - snapshotWall;
        Snapshot last = tracker.Snapshots[^1];

        Report(
            $"mode                          {Mode}",
            $"tracked instances             {last.Classes.Sum(c => c.Active):N0}",
            $"snapshots in {s_duration.TotalSeconds:0} s              {taken} (target 50)",
            $"time in snapshots (wall)      {snapshotWall.TotalMilliseconds:N0} ms = {snapshotWall / s_duration:P1} of the run, {snapshotWall.TotalMilliseconds / taken:N1} ms per snapshot",
            $"process CPU, snapshots on     {busyCpu.TotalMilliseconds:N0} ms",
            $"process CPU, baseline (idle)  {idleCpu.TotalMilliseconds:N0} ms",
            $"CPU share of snapshots        {(busyCpu - idleCpu) / s_duration:P1} of one core (target < 10%)",
            $"bookkeeping per object        {(double)bookkeeping / Instances:N1} B managed (columns + index: {(double)tracker.Diagnostics.BookkeepingBytes / Instances:N1} B) + 8 B weak handle slot (target < 64 B)",
            $"CPU per snapshot              {(busyCpu - idleCpu).TotalMilliseconds / taken:N1} ms: at 10 Hz that is {(busyCpu - idleCpu) / taken * 10 / TimeSpan.FromSeconds(1):P1} of a core",
            $"phases (wall ms per snapshot) {string.Join(" / ", tracker.Diagnostics.PhaseTimes.Zip(phasesBefore, (a, b) => ((a - b).TotalMilliseconds / Math.Max(1, taken)).ToString("0.0", CultureInfo.InvariantCulture)))} (discovery, registration, gathering, sizing, recording)",
            $"allocated by snapshots        {(tracker.Diagnostics.SnapshotBytes - bytesBefore) / 1024.0 / Math.Max(1, taken):N0} KiB per snapshot, of which class discovery {(discovery.Allocated - discoveryBytesBefore) / 1024.0 / Math.Max(1, taken):N0} KiB",
            $"class discovery (wall)        {discoveryWall.TotalMilliseconds / Math.Max(1, taken):N1} ms per snapshot; GC pauses {pauses.TotalMilliseconds / Math.Max(1, taken):N1} ms per snapshot",
            $"CPU by thread                 {threads}",
            $"JIT during the run            {jit.Methods} methods compiled in {jit.Time.TotalMilliseconds:N0} ms",
            $"samples kept                  {tracker.Diagnostics.SampleBytes / 1024.0 / tracker.Snapshots.Count:N1} KiB per snapshot on average, {tracker.Diagnostics.SlotCount:N0} slots ever tracked",
            $"class discoveries             {tracker.Diagnostics.Walks.Young} young-generation walks, {tracker.Diagnostics.Walks.Full} full walks, {tracker.Diagnostics.Walks.Skipped} skipped (no other thread had allocated)",
            $"program                       {(program.Replaced == 0 ? "idle" : $"{program.Replaced:N0} instances replaced by its thread")}",
            $"periodic failures             {tracker.Diagnostics.PeriodicFailures}, discovery failures {tracker.Diagnostics.DiscoveryFailures}",
            $"last walk's phases (wall ms)  {string.Join(" / ", Heapmon.Heap.InstanceFinder.LastPhases.Select(p => p.ToString("0.0", CultureInfo.InvariantCulture)))} (GC, layout, walk, materialise; cumulative)");
        GC.KeepAlive(workers);
    }

    /// <summary>
    /// HEAPMON_BENCH_WARMUP=milliseconds: periodic snapshots before the measurement, for the steady state. Cold, the
    /// tiered JIT recompiles ClrMD's code reached by each heap walk during the first ~10 s (100 walks).
    /// </summary>
    private static void WarmUp(ClassTracker tracker)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("HEAPMON_BENCH_WARMUP"), NumberStyles.None, CultureInfo.InvariantCulture, out int ms)) return;
        tracker.StartPeriodicSnapshots(TimeSpan.FromMilliseconds(100));
        Thread.Sleep(ms);
        tracker.StopPeriodicSnapshots();
    }

    private static Worker[] Hire(int count)
    {
        string factory = new('F', 24);
        var workers = new Worker[count];
        for (int i = 0; i < count; i++) workers[i] = new Worker { Assigned = factory, Number = i };
        return workers;
    }

    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>CPU ticks (1/100 s) per thread name from /proc (Linux), to see which thread the snapshots' CPU goes to.</summary>
    private static Dictionary<string, long> ThreadTicks()
    {
        var ticks = new Dictionary<string, long>();
        if (!Directory.Exists("/proc/self/task")) return ticks;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                string name = stat[(open + 1)..close] + "#" + Path.GetFileName(task);
                string[] fields = stat[(close + 2)..].Split(' ');
                ticks[name] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException) { } // the thread ended
        }
        return ticks;
    }

    private static TimeSpan CpuDuring(Action action)
    {
        using Process self = Process.GetCurrentProcess();
        TimeSpan start = self.TotalProcessorTime;
        action();
        self.Refresh();
        return self.TotalProcessorTime - start;
    }

    private static void Report(params string[] lines)
    {
        string text = string.Join(Environment.NewLine, lines.Prepend("---- Tracking: periodic snapshots ----"));
        Console.WriteLine(text);
        Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
        File.AppendAllText(Path.Combine("BenchmarkDotNet.Artifacts", "tracking-periodic.txt"), text + Environment.NewLine);
    }

    /// <summary>Times the heap walks, to tell discovery from sizing in the report.</summary>
    private sealed class TimedSource(IInstanceSource inner) : IInstanceSource
    {
        public TimeSpan Elapsed { get; private set; }

        /// <summary>Bytes the walks allocated (on the snapshot thread).</summary>
        public long Allocated { get; private set; }

        public Discovered? Find(IReadOnlyCollection<Type> types, Heapmon.Heap.GcCounts? youngSince)
        {
            long start = Stopwatch.GetTimestamp(), allocated = GC.GetAllocatedBytesForCurrentThread();
            try { return inner.Find(types, youngSince); }
            finally
            {
                Elapsed += Stopwatch.GetElapsedTime(start);
                Allocated += GC.GetAllocatedBytesForCurrentThread() - allocated;
            }
        }

        public long? HeapTotal() => inner.HeapTotal();
    }

    private sealed class ShallowMeasurer : ISnapshotMeasurer
    {
        public void Measure(ReadOnlySpan<object> objects, ReadOnlySpan<int> levels, Span<long> sizes, Span<long> flats, Span<ReferentNode?> trees)
        {
            for (int i = 0; i < objects.Length; i++) sizes[i] = flats[i] = Heapmon.Sizing.ObjectSize.Shallow(objects[i]);
        }
    }

    /// <summary>The measured program's own work: replaces 100 workers every 10 ms (the old ones die), or nothing.</summary>
    private sealed class ProgramThread : IDisposable
    {
        private readonly Thread? _thread;
        private volatile bool _stop;

        public ProgramThread(Worker[]? workers)
        {
            if (workers is null) return;
            _thread = new Thread(() =>
            {
                var random = new Random(7);
                while (!_stop)
                {
                    for (int i = 0; i < 100; i++) workers[random.Next(workers.Length)] = new Worker { Assigned = "replacement", Number = -i };
                    Interlocked.Add(ref _replaced, 100);
                    Thread.Sleep(10);
                }
            }) { IsBackground = true, Name = "measured program" };
            _thread.Start();
        }

        private long _replaced;

        public long Replaced => Interlocked.Read(ref _replaced);

        public void Dispose()
        {
            _stop = true;
            _thread?.Join();
        }
    }

    private sealed class Worker
    {
        public string? Assigned;
        public int Number;
    }
}
