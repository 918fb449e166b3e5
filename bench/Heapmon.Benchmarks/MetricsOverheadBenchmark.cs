using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Heapmon.Metrics;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Heapmon.Benchmarks -- metrics-overhead [rounds]</c>: what publishing to the
/// Heapmon meter adds to a snapshot of 1,000 tracked classes. In one run, rounds alternate between no listener and a
/// listener that enables every Heapmon instrument and collects after each snapshot (as dotnet-counters or
/// OpenTelemetry would); prints the median snapshot time of each, their ratio, and the publish step's own cost
/// (the only work publishing adds inside a snapshot) as a share of the snapshot (target: at most 2%).
/// </summary>
internal static class MetricsOverheadBenchmark
{
    private const int PerClass = 20;
    private const int SnapshotsPerRound = 10;

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        Type[] classes = ThousandClasses.All();
        using var tracker = new ClassTracker(ClassTrackerOptions.Default with { MaxSnapshots = 2 });
        foreach (Type type in classes) tracker.TrackClass(type);
        object[] held = [.. classes.SelectMany(t => Enumerable.Range(0, PerClass).Select(_ => Activator.CreateInstance(t)!))];
        for (int i = 0; i < 5; i++) tracker.CreateSnapshot(); // warm: JIT and the first full walks

        var without = new List<double>();
        var with = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            without.Add(Round(tracker, listener: null));
            using MeterListener listener = Listen();
            with.Add(Round(tracker, listener));
            Console.WriteLine($"round {round + 1}: {without[^1]:0.000} ms without a listener, {with[^1]:0.000} ms with one (per snapshot of {classes.Length:N0} classes)");
        }
        double publish = PublishCost(tracker.Snapshots[^1]);
        double a = AttachCensusBenchmark.Median(without), b = AttachCensusBenchmark.Median(with);
        Console.WriteLine($"median: {a:0.000} ms without, {b:0.000} ms with a listener: ratio {b / a:0.000} (noise included)");
        Console.WriteLine($"publish step: {publish * 1000:0.0} µs per snapshot with a listener = {publish / a:P3} of a snapshot (target: at most 2%)");
        GC.KeepAlive(held);
        return publish / a <= 0.02 ? 0 : 1;
    }

    /// <summary>Milliseconds per snapshot over one round.</summary>
    private static double Round(ClassTracker tracker, MeterListener? listener)
    {
        var clock = new Stopwatch();
        for (int i = 0; i < SnapshotsPerRound; i++)
        {
            clock.Start();
            tracker.CreateSnapshot();
            clock.Stop();
            listener?.RecordObservableInstruments(); // a collection, on the collector's side
        }
        return clock.Elapsed.TotalMilliseconds / SnapshotsPerRound;
    }

    /// <summary>Milliseconds of one <see cref="TrackerMetrics.Publish"/> of a 1,000-class snapshot, with a listener on every instrument.</summary>
    private static double PublishCost(Snapshot snapshot)
    {
        using MeterListener listener = Listen();
        using var source = new TrackerMetrics();
        const int Calls = 100_000;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Calls; i++) source.Publish(snapshot, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(4));
        return clock.Elapsed.TotalMilliseconds / Calls;
    }

    private static MeterListener Listen()
    {
        double sink = 0;
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == HeapmonMeter.Name) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => sink += v);
        listener.SetMeasurementEventCallback<double>((_, v, _, _) => sink += v);
        listener.Start();
        return listener;
    }

    /// <summary>1,000 distinct classes: <c>Cell&lt;A, B, C&gt;</c> over ten marker classes each.</summary>
    private static class ThousandClasses
    {
        private static readonly Type[] s_markers = [typeof(M0), typeof(M1), typeof(M2), typeof(M3), typeof(M4), typeof(M5), typeof(M6), typeof(M7), typeof(M8), typeof(M9)];

        public static Type[] All() =>
            [.. from a in s_markers from b in s_markers from c in s_markers select typeof(Cell<,,>).MakeGenericType(a, b, c)];
    }

    private sealed class Cell<TA, TB, TC>
    {
        public long Value { get; set; }
    }

    private sealed class M0; private sealed class M1; private sealed class M2; private sealed class M3; private sealed class M4;
    private sealed class M5; private sealed class M6; private sealed class M7; private sealed class M8; private sealed class M9;
}
