namespace Heapmon.Tracking;

/// <summary>
/// The object sizes of one snapshot, compressed: consecutive slots with the same size and flat
/// size form one run (100,000 tracked instances of one small class are a handful of runs), and
/// referent trees are kept only for objects sized above level 0.
/// </summary>
internal sealed class SnapshotSamples
{
    private readonly List<Run> _runs = [];
    private Dictionary<int, ReferentNode>? _trees;
    // The run being extended, kept out of the list until it closes: one compare per sample at 10 Hz.
    private int _openStart, _openCount;
    private long _openSize, _openFlat;
    private bool _sealed;

    public void Add(int slot, long size, long flat, ReferentNode? tree)
    {
        if (_sealed) throw new InvalidOperationException("The samples of a snapshot are sealed.");
        if (_openCount > 0 && _openStart + _openCount == slot && _openSize == size && _openFlat == flat)
        {
            _openCount++;
        }
        else
        {
            if (_openCount > 0) _runs.Add(new Run(_openStart, _openCount, _openSize, _openFlat));
            (_openStart, _openCount, _openSize, _openFlat) = (slot, 1, size, flat);
        }
        if (tree is not null) (_trees ??= [])[slot] = tree;
    }

    /// <summary>Closes the last run; no sample can be added after. Call before the samples are read.</summary>
    public SnapshotSamples Seal()
    {
        if (_sealed) return this;
        if (_openCount > 0) _runs.Add(new Run(_openStart, _openCount, _openSize, _openFlat));
        _openCount = 0;
        _sealed = true;
        return this;
    }

    public int RunCount => _runs.Count + (_openCount > 0 ? 1 : 0);

    /// <summary>A reader that walks the runs in slot order; slots must be asked in increasing order.</summary>
    public Cursor Read() => _sealed ? new(this) : throw new InvalidOperationException("Seal the samples before reading them.");

    internal readonly record struct Run(int Start, int Count, long Size, long Flat);

    /// <summary>Forward-only lookup of a slot's sample.</summary>
    internal struct Cursor(SnapshotSamples samples)
    {
        private int _run;

        public bool TryGet(int slot, out long size, out long flat, out ReferentNode? tree)
        {
            List<Run> runs = samples._runs;
            while (_run < runs.Count && runs[_run].Start + runs[_run].Count <= slot) _run++;
            if (_run < runs.Count && runs[_run].Start <= slot)
            {
                size = runs[_run].Size;
                flat = runs[_run].Flat;
                tree = samples._trees?.GetValueOrDefault(slot);
                return true;
            }
            size = flat = 0;
            tree = null;
            return false;
        }
    }
}
