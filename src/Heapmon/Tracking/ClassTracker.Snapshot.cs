using System.Runtime.CompilerServices;
using Heapmon.Heap;
using Heapmon.Model;
namespace Heapmon.Tracking;

public sealed partial class ClassTracker
{
    /// <summary>
    /// Finds new instances of the tracked classes, sizes every tracked object alive, and records
    /// process memory and GC figures under a label (Pympler: create_snapshot).
    /// </summary>
    /// <param name="description">The snapshot's label, shown in reports.</param>
    /// <param name="computeTotal">Also take a census of the whole managed heap for <see cref="Snapshot.HeapTotal"/>.</param>
    public Snapshot CreateSnapshot(string? description = null, bool computeTotal = false)
        => TakeSnapshot(description, computeTotal, periodic: false);

    [MethodImpl(SnapshotCode.OncePerCall)]
    internal Snapshot TakeSnapshot(string? description, bool computeTotal, bool periodic)
    {
        lock (_snapshotGate)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try { return TakeSnapshotLocked(description, computeTotal, periodic); }
            finally
            {
                _snapshotTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
                _snapshotBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
            }
        }
    }

    /// <summary>Wall time spent taking snapshots so far (for the benchmark's CPU share).</summary>
    internal TimeSpan SnapshotTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Volatile.Read(ref _snapshotTicks));

    private long _snapshotTicks;
    private long _snapshotBytes;

    /// <summary>Bytes the snapshots have allocated so far (for the benchmark: what they add to the program's GCs).</summary>
    internal long SnapshotBytes => Volatile.Read(ref _snapshotBytes);

    [MethodImpl(SnapshotCode.OncePerCall)]
    private Snapshot TakeSnapshotLocked(string? description, bool computeTotal, bool periodic)
    {
        // Manual snapshots see every allocation made before them; periodic ones take what is sampled (no waiting).
        if (!periodic) FlushTraces();
        Type[] classes;
        lock (_lock)
        {
            ThrowIfDisposed();
            classes = _classes.ActiveTypes;
        }
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        IReadOnlyList<object>? found = null;
        if (classes.Length > 0)
        {
            Heap.GcCounts? youngSince = periodic ? _walks.YoungSince(classes) : null;
            AllocationMark mark = WalkPolicy.Mark();
            if (youngSince is not null && _walks.NothingAllocatedElsewhereSince(mark))
            {
                _skippedWalks++;
            }
            else
            {
                Discovered? discovered = null;
                if (youngSince is not null)
                {
                    discovered = _source.Find(classes, youngSince);
                    _youngWalks++;
                }
                if (discovered is null)
                {
                    // No young walk, or one that could not vouch for every new instance: the whole heap, now.
                    discovered = _source.Find(classes, youngSince: null);
                    _fullWalks++;
                }
                if (discovered is null) _discoveryFailures++;
                else _walks.Completed(classes, discovered.Moment, mark);
                found = discovered?.Instances;
            }
        }
        long? heapTotal = computeTotal ? _source.HeapTotal() : null;

        LiveObjects live;
        DateTimeOffset timestamp;
        long t1 = System.Diagnostics.Stopwatch.GetTimestamp(), t2;
        lock (_lock)
        {
            ThrowIfDisposed();
            timestamp = DateTimeOffset.UtcNow;
            if (found is not null) Register(found, timestamp.UtcTicks);
            RefreshSitesLocked();
            t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            live = GatherLive(timestamp.UtcTicks);
        }
        long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        _phaseTicks[0] += t1 - t0;
        _phaseTicks[1] += t2 - t1;
        _phaseTicks[2] += t3 - t2;
        found = null;

        long[] sizes = live.Sizes, flats = live.Flats;
        ReferentNode?[] trees = live.Trees;
        try
        {
            _measurer.Measure(live.Objects, live.Levels.AsSpan(0, live.Count),
                sizes.AsSpan(0, live.Count), flats.AsSpan(0, live.Count), trees.AsSpan(0, live.Count));
        }
        finally
        {
            live.ReleaseObjects(); // the strong references end with the sizing
            if (!periodic)
            {
                // Buffers are kept only for periodic snapshots; between manual ones they would be dead weight.
                _live = null;
                _measurer.Release();
            }
        }

        long t4 = System.Diagnostics.Stopwatch.GetTimestamp();
        _phaseTicks[3] += t4 - t3;
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

        lock (_lock)
        {
            var gc = ProcessFigures.Gc();
            var snapshot = new Snapshot(_snapshots.Count, timestamp, description, ProcessFigures.Memory(), gc,
                trackedTotal, heapTotal, Summaries(active, totals, Math.Max(heapTotal ?? gc.HeapSizeBytes, trackedTotal)));
            _snapshots.Add(snapshot);
            _samples.Add(samples.Seal(_samples.Count > 0 ? _samples[^1] : null));
            _phaseTicks[4] += System.Diagnostics.Stopwatch.GetTimestamp() - t4;
            return snapshot;
        }
    }

    private readonly long[] _phaseTicks = new long[5];

    /// <summary>Time spent so far in each phase of snapshots: discovery, registration, gathering, sizing, recording (for the benchmark).</summary>
    internal TimeSpan[] PhaseTimes => [.. _phaseTicks.Select(t => System.Diagnostics.Stopwatch.GetElapsedTime(0, t))];
    private readonly WalkPolicy _walks = new();
    private int _discoveryFailures;
    private int _youngWalks;
    private int _fullWalks;
    private int _skippedWalks;

    /// <summary>Class discoveries by kind: young generations only, the whole heap, or skipped because nothing was allocated (for the benchmark).</summary>
    internal (int Young, int Full, int Skipped) Walks => (_youngWalks, _fullWalks, _skippedWalks);

    /// <summary>Snapshots whose class discovery could not get a consistent view of the heap (they went on without new instances).</summary>
    internal int DiscoveryFailures => _discoveryFailures;
    private LiveObjects? _live;

    /// <summary>Takes on instances found by the walk that are not tracked yet; each under its most specialised tracked class.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private void Register(IReadOnlyList<object> found, long firstSeenTicks)
    {
        foreach (object instance in found)
        {
            if (_slots.Find(instance) >= 0) continue;
            (TrackedClass? tracked, int label) = _classes.BestWithLabel(instance.GetType());
            if (tracked is null) continue; // detached while the walk ran
            // No per-object trace: the walk runs after a GC, which has moved the objects away from their sampled addresses.
            _slots.Add(instance, firstSeenTicks, label, tracked.Level, SlotFlags.None);
        }
    }

    /// <summary>Collects the tracked objects alive now, in announcement order; records deaths not yet observed.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private LiveObjects GatherLive(long nowTicks)
    {
        int count = _slots.WatchedCount;
        // Reused from one snapshot to the next: 100,000 objects make these large-object-heap arrays,
        // and allocating them at 10 Hz would cost a full GC every few snapshots.
        LiveObjects live = _live is { } reuse && reuse.Capacity >= count ? reuse : _live = new LiveObjects(count + count / 8);
        live.LabelCount = _classes.LabelCount;
        _slots.GatherLive(live, nowTicks);
        return live;
    }

    /// <summary>Per class line: every tracked class (even with no instance) and every label seen, sorted by name.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private List<ClassSummary> Summaries(int[] active, long[] totals, long total)
    {
        SummaryRows rows = _summaryRows is { } known && known.Fits(_classes) ? known : _summaryRows = SummaryRows.Of(_classes);
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

    private SummaryRows? _summaryRows;

    /// <summary>
    /// The per-class lines' rows, sorted by name, and the row of each label; made again only when the
    /// classes or labels change, so a snapshot's summary is two loops over arrays.
    /// </summary>
    private sealed class SummaryRows
    {
        private int _version, _labels;

        public required string[] Names { get; init; }

        /// <summary>Whether the row is a tracked class's (shown even with no instance).</summary>
        public required bool[] Tracked { get; init; }

        public required int[] RowOfLabel { get; init; }

        public bool Fits(TrackedClasses classes) => _version == classes.Version && _labels == classes.LabelCount;

        public static SummaryRows Of(TrackedClasses classes)
        {
            var tracked = classes.All.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var labelNames = Enumerable.Range(0, classes.LabelCount).Select(classes.ClassName).ToArray();
            string[] names = [.. tracked.Concat(labelNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            var rowOf = names.Select((name, row) => (name, row)).ToDictionary(x => x.name, x => x.row, StringComparer.Ordinal);
            return new SummaryRows
            {
                Names = names,
                Tracked = [.. names.Select(tracked.Contains)],
                RowOfLabel = [.. labelNames.Select(name => rowOf[name])],
                _version = classes.Version,
                _labels = labelNames.Length,
            };
        }
    }
}
