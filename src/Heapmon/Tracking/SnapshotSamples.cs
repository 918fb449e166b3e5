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

    public void Add(int slot, long size, long flat, ReferentNode? tree)
    {
        if (_runs.Count > 0)
        {
            Run last = _runs[^1];
            if (last.Start + last.Count == slot && last.Size == size && last.Flat == flat)
            {
                _runs[^1] = last with { Count = last.Count + 1 };
                goto Tree;
            }
        }
        _runs.Add(new Run(slot, 1, size, flat));
    Tree:
        if (tree is not null) (_trees ??= [])[slot] = tree;
    }

    public int RunCount => _runs.Count;

    /// <summary>A reader that walks the runs in slot order; slots must be asked in increasing order.</summary>
    public Cursor Read() => new(this);

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
