using Heapmon.Model;

namespace Heapmon.Cli.Monitor;

/// <summary>
/// What <c>heapmon monitor</c> shows, as plain data: per tracked class its instances and bytes at the latest
/// snapshot, the change since the first one, and the recent counts a sparkline draws.
/// </summary>
internal sealed class MonitorFigures
{
    /// <summary>Snapshots a sparkline covers.</summary>
    public const int History = 30;

    private readonly Dictionary<string, ClassLine> _lines = new(StringComparer.Ordinal);

    /// <summary>When the latest snapshot was taken; null before the first.</summary>
    public DateTimeOffset? Taken { get; private set; }

    /// <summary>Snapshots the process has taken for the monitor so far.</summary>
    public long Snapshots { get; private set; }

    /// <summary>CPU time those snapshots took in the process, in seconds.</summary>
    public double CpuSeconds { get; private set; }

    /// <summary>The classes, the largest (by bytes) first.</summary>
    public IReadOnlyList<ClassLine> Lines => [.. _lines.Values.OrderByDescending(l => l.Total).ThenBy(l => l.Name, StringComparer.Ordinal)];

    /// <summary>Takes in the latest figures; false when the snapshot is the one already shown.</summary>
    public bool Update(Snapshot? latest, long snapshots, double cpuSeconds)
    {
        Snapshots = snapshots;
        CpuSeconds = cpuSeconds;
        if (latest is null || latest.Timestamp == Taken) return false;
        Taken = latest.Timestamp;
        foreach (ClassSummary c in latest.Classes)
        {
            // A class first seen later (a type loaded since) starts its Δ there.
            if (!_lines.TryGetValue(c.ClassName, out ClassLine? line)) _lines[c.ClassName] = line = new ClassLine(c.ClassName, c.Active, c.Total);
            line.Add(c.Active, c.Total);
        }
        return true;
    }

    /// <summary>One class's line.</summary>
    internal sealed class ClassLine(string name, long firstActive, long firstTotal)
    {
        private readonly Queue<long> _recent = new();

        public string Name { get; } = name;

        public long Active { get; private set; }

        public long Total { get; private set; }

        /// <summary>Instances gained (or lost) since the first snapshot.</summary>
        public long ActiveChange => Active - firstActive;

        /// <summary>Bytes gained (or lost) since the first snapshot.</summary>
        public long TotalChange => Total - firstTotal;

        /// <summary>Instances at the last <see cref="History"/> snapshots, oldest first.</summary>
        public IReadOnlyList<long> Recent => [.. _recent];

        public void Add(long active, long total)
        {
            (Active, Total) = (active, total);
            _recent.Enqueue(active);
            if (_recent.Count > History) _recent.Dequeue();
        }
    }
}
