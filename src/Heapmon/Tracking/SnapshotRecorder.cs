using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Heapmon.Heap;
using Heapmon.Model;

namespace Heapmon.Tracking;

/// <summary>
/// The tracker's recording: turns a sized moment into a <see cref="Snapshot"/> and its compressed
/// samples, and everything recorded into the plain <see cref="TrackerData"/> model. Keeps nothing alive.
/// </summary>
/// <remarks><see cref="Tally"/> runs outside the tracker's lock; every other member under it.</remarks>
internal sealed class SnapshotRecorder
{
    private static readonly Lazy<RunInfo> s_run = new(() =>
    {
        using Process self = Process.GetCurrentProcess();
        string version = typeof(ClassTracker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        return new RunInfo(self.ProcessName, Environment.ProcessId, Environment.CommandLine,
            RuntimeInformation.FrameworkDescription, version.Split('+')[0], default);
    });

    private readonly List<Snapshot> _snapshots = [];
    private readonly List<SnapshotSamples> _samples = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly int _maxSnapshots;
    private SummaryRows? _summaryRows;

    /// <summary>A recorder that keeps at most <paramref name="maxSnapshots"/> snapshots, the newest (null: every one).</summary>
    public SnapshotRecorder(int? maxSnapshots = null) => _maxSnapshots = maxSnapshots ?? int.MaxValue;

    /// <summary>The snapshots kept, numbered by their position (older ones may have been dropped).</summary>
    public Snapshot[] Snapshots
    {
        get
        {
            var snapshots = new Snapshot[_snapshots.Count];
            for (int i = 0; i < snapshots.Length; i++) snapshots[i] = _snapshots[i].Index == i ? _snapshots[i] : _snapshots[i] with { Index = i };
            return snapshots;
        }
    }

    /// <summary>Bytes the snapshots' samples keep (bitmaps and runs).</summary>
    public long SampleBytes => _samples.Sum(s => s.Bytes);

    /// <summary>One sized moment, counted: its samples and, per label, the live objects and their bytes.</summary>
    public sealed record Counts(SnapshotSamples Samples, int[] Active, long[] Totals, long TrackedTotal);

    /// <summary>Counts the sizes of <paramref name="live"/> into samples and per-label totals; lets go of its referent trees.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public static Counts Tally(LiveObjects live)
    {
        long[] sizes = live.Sizes, flats = live.Flats;
        ReferentNode?[] trees = live.Trees;
        var samples = live.Count == 0 ? new SnapshotSamples() : new SnapshotSamples(live.Slots[0], live.Slots[live.Count - 1]);
        var active = new int[live.LabelCount];
        var totals = new long[live.LabelCount];
        long trackedTotal = 0;
        for (int i = 0; i < live.Count; i++)
        {
            samples.Add(live.Slots[i], sizes[i], flats[i], trees[i]);
            trees[i] = null;
            trackedTotal += sizes[i];
            active[live.Labels[i]]++;
            totals[live.Labels[i]] += sizes[i];
        }
        return new Counts(samples, active, totals, trackedTotal);
    }

    /// <summary>Records a snapshot of the counted moment, with process memory and GC figures read now.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public Snapshot Record(Counts counts, DateTimeOffset timestamp, string? description, long? heapTotal, TrackedClasses classes)
    {
        if (_snapshots.Count == _maxSnapshots)
        {
            // Only the newest are kept: the oldest goes with its samples (a later bitmap may share its array, which stays).
            _snapshots.RemoveAt(0);
            _samples.RemoveAt(0);
        }
        var gc = ProcessFigures.Gc();
        var snapshot = new Snapshot(_snapshots.Count, timestamp, description, ProcessFigures.Memory(), gc,
            counts.TrackedTotal, heapTotal, Summaries(classes, counts.Active, counts.Totals, Math.Max(heapTotal ?? gc.HeapSizeBytes, counts.TrackedTotal)));
        _snapshots.Add(snapshot);
        _samples.Add(counts.Samples.Seal(_samples.Count > 0 ? _samples[^1] : null));
        return snapshot;
    }

    /// <summary>Empties every snapshot's samples (the objects are forgotten); the snapshots stay.</summary>
    public void ForgetSamples()
    {
        for (int i = 0; i < _samples.Count; i++) _samples[i] = new SnapshotSamples().Seal();
    }

    public void Clear()
    {
        _snapshots.Clear();
        _samples.Clear();
    }

    /// <summary>
    /// Everything recorded as plain data: snapshots, classes with their sites as last computed, and
    /// every tracked object (instances left out aside) with its lifetime and one sample per snapshot it was sized in.
    /// </summary>
    public TrackerData ToData(TrackerRegistry registry)
    {
        var classes = registry.Classes.All.Select(c => new TrackedClassRecord(c.Name, c.Level, c.Trace, c.Trace ? c.Sites : [])).ToList();
        var cursors = _samples.Select(s => s.Read()).ToArray();
        var objects = new List<TrackedObjectRecord>();
        TrackedSlots slots = registry.Slots;
        int count = slots.Count;
        for (int slot = 0; slot < count; slot++)
        {
            if ((slots.Flags(slot) & SlotFlags.Ignored) != 0) continue;
            var samples = new List<SizeSample>();
            for (int s = 0; s < cursors.Length; s++)
                if (cursors[s].TryGet(slot, out long size, out long flat, out ReferentNode? tree))
                    samples.Add(new SizeSample(s, size, flat, tree));
            long death = slots.Death(slot);
            objects.Add(new TrackedObjectRecord(
                Id: slot + 1,
                ClassName: registry.Classes.ClassName(slots.Label(slot)),
                Name: registry.NameOf(slot),
                Birth: new DateTimeOffset(slots.Birth(slot), TimeSpan.Zero),
                Death: death == 0 ? null : new DateTimeOffset(death, TimeSpan.Zero),
                ResolutionLevel: slots.Level(slot),
                Samples: samples,
                Trace: null));
        }
        return new TrackerData(s_run.Value with { Started = StartedAt() }, Snapshots, classes, objects);
    }

    /// <summary>Per class line: every tracked class (even with no instance) and every label seen, sorted by name.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private List<ClassSummary> Summaries(TrackedClasses classes, int[] active, long[] totals, long total)
    {
        SummaryRows rows = _summaryRows is { } known && known.Fits(classes) ? known : _summaryRows = SummaryRows.Of(classes);
        int count = rows.Names.Length;
        var rowActive = new int[count];
        var rowTotal = new long[count];
        for (int label = 0; label < active.Length; label++)
        {
            rowActive[rows.RowOfLabel[label]] += active[label];
            rowTotal[rows.RowOfLabel[label]] += totals[label];
        }
        var lines = new List<ClassSummary>(count);
        for (int row = 0; row < count; row++)
        {
            if (!rows.Tracked[row] && rowActive[row] == 0) continue;
            lines.Add(new ClassSummary(rows.Names[row], rowActive[row], rowTotal[row],
                rowActive[row] == 0 ? 0 : rowTotal[row] / rowActive[row], total <= 0 ? 0 : (double)rowTotal[row] / total));
        }
        return lines;
    }

    private DateTimeOffset StartedAt()
    {
        try
        {
            using Process self = Process.GetCurrentProcess();
            return new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return _started;
        }
    }
}
