using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// What the report shows, worked out once from <see cref="TrackerData"/>: the time axis, and per class its
/// line in every snapshot and its instances. Renderers read this, never the tracker.
/// </summary>
internal sealed class ReportModel
{
    private readonly Dictionary<int, int> _positions;

    private ReportModel(TrackerData data, DateTimeOffset origin, List<ReportClass> classes, Dictionary<int, int> positions, int maxFeatured)
    {
        Data = data;
        Origin = origin;
        Classes = classes;
        _positions = positions;
        // The largest classes by peak total get sections and chart areas; a report of a wildcard with
        // a thousand matches stays readable (and small), and the class list still names every one.
        ByPeak = [.. classes.OrderByDescending(c => c.Totals.DefaultIfEmpty(0).Max()).ThenByDescending(c => c.Active.DefaultIfEmpty(0).Max()).ThenBy(c => c.Index)];
        HashSet<ReportClass> featured = classes.Count <= maxFeatured ? [.. classes] : [.. ByPeak.Take(maxFeatured).Where(c => c.Peak > 0 || c.Objects.Count > 0)];
        foreach (ReportClass c in featured) c.Featured = true;
        Featured = [.. classes.Where(featured.Contains)];
        Others = [.. classes.Where(c => !c.Featured)];
        OtherTotals = new long[data.Snapshots.Count];
        OtherActive = new long[data.Snapshots.Count];
        foreach (ReportClass c in Others)
            for (int s = 0; s < OtherTotals.Length; s++)
            {
                OtherTotals[s] += c.Totals[s];
                OtherActive[s] += c.Active[s];
            }
    }

    /// <summary>Every class, the largest peak total first.</summary>
    public IReadOnlyList<ReportClass> ByPeak { get; }

    /// <summary>The classes shown on their own (section, chart area, summary rows), in the order they first appear.</summary>
    public IReadOnlyList<ReportClass> Featured { get; }

    /// <summary>The classes only the class list names one by one.</summary>
    public IReadOnlyList<ReportClass> Others { get; }

    /// <summary>Per snapshot, the total size of the <see cref="Others"/>.</summary>
    public long[] OtherTotals { get; }

    /// <summary>Per snapshot, the instances of the <see cref="Others"/>.</summary>
    public long[] OtherActive { get; }

    /// <summary>Position in the snapshot list of the snapshot whose Index is <paramref name="snapshotIndex"/>, or -1.</summary>
    public int PositionOf(int snapshotIndex) => _positions.TryGetValue(snapshotIndex, out int p) ? p : -1;

    public TrackerData Data { get; }

    public IReadOnlyList<Snapshot> Snapshots => Data.Snapshots;

    /// <summary>Time zero of the report: the run's start, or the first snapshot if that came earlier.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>Every class the data names, in the order it first appears.</summary>
    public IReadOnlyList<ReportClass> Classes { get; }

    /// <summary>Seconds from <see cref="Origin"/> to <paramref name="time"/>.</summary>
    public double Seconds(DateTimeOffset time) => (time - Origin).TotalSeconds;

    public static ReportModel Build(TrackerData data, int maxFeatured = int.MaxValue)
    {
        DateTimeOffset origin = data.Run.Started;
        if (data.Snapshots.Count > 0 && data.Snapshots[0].Timestamp < origin) origin = data.Snapshots[0].Timestamp;

        // Samples name snapshots by Index; the list order is the truth, so map one to the other once.
        var positions = new Dictionary<int, int>();
        for (int s = 0; s < data.Snapshots.Count; s++) positions.TryAdd(data.Snapshots[s].Index, s);

        var byName = new Dictionary<string, ReportClass>(StringComparer.Ordinal);
        var classes = new List<ReportClass>();
        ReportClass Get(string name)
        {
            if (!byName.TryGetValue(name, out ReportClass? c))
            {
                c = new ReportClass(name, classes.Count, data.Snapshots.Count);
                byName.Add(name, c);
                classes.Add(c);
            }
            return c;
        }

        for (int s = 0; s < data.Snapshots.Count; s++)
            foreach (ClassSummary line in data.Snapshots[s].Classes)
            {
                ReportClass c = Get(line.ClassName);
                c.Summaries[s] = line;
            }
        foreach (TrackedClassRecord record in data.Classes) Get(record.ClassName).Record = record;
        foreach (TrackedObjectRecord obj in data.Objects) Get(obj.ClassName).Objects.Add(obj);
        foreach (ReportClass c in classes) c.Complete(positions);
        return new ReportModel(data, origin, classes, positions, maxFeatured);
    }
}

/// <summary>One class of the report: its summary line per snapshot and its instances.</summary>
internal sealed class ReportClass(string name, int index, int snapshotCount)
{
    public string Name { get; } = name;

    /// <summary>Position in the report: picks the colour and the anchor (never the name, which may be anything).</summary>
    public int Index { get; } = index;

    public string Anchor => "c" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public ClassSummary?[] Summaries { get; } = new ClassSummary?[snapshotCount];

    /// <summary>Whether the class is shown on its own (see <see cref="ReportModel.Featured"/>).</summary>
    public bool Featured { get; set; }

    /// <summary>The largest total of any snapshot.</summary>
    public long Peak => Totals.DefaultIfEmpty(0).Max();

    public TrackedClassRecord? Record { get; set; }

    public List<TrackedObjectRecord> Objects { get; } = [];

    /// <summary>Total size per snapshot: the summary's, else the sum of the instances' samples.</summary>
    public long[] Totals { get; } = new long[snapshotCount];

    /// <summary>Active instances per snapshot: the summary's, else the instances sampled there.</summary>
    public int[] Active { get; } = new int[snapshotCount];

    public void Complete(Dictionary<int, int> positions)
    {
        bool anySummary = Summaries.Any(s => s is not null);
        if (anySummary)
        {
            for (int s = 0; s < Summaries.Length; s++)
            {
                Totals[s] = Summaries[s]?.Total ?? 0;
                Active[s] = Summaries[s]?.Active ?? 0;
            }
            return;
        }
        foreach (TrackedObjectRecord obj in Objects)
            foreach (SizeSample sample in obj.Samples)
                if (positions.TryGetValue(sample.SnapshotIndex, out int s))
                {
                    Totals[s] += sample.Size;
                    Active[s]++;
                }
    }
}
