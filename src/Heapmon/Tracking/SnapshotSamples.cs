using System.Runtime.CompilerServices;
using System.Numerics;
using Heapmon.Model;

namespace Heapmon.Tracking;

/// <summary>
/// The object sizes of one snapshot, compressed: a bitmap says which slots were sampled, and runs of
/// equal (size, flat size) cover the sampled slots in slot order. 100,000 tracked instances of one
/// small class are a handful of runs, also when dead slots lie between them (runs keyed by slot
/// numbers broke at every dead slot: a program replacing 10,000 instances a second made 2.4 MB of
/// runs per snapshot, kept for the tracker's life). Referent trees are kept only for objects sized
/// above level 0.
/// </summary>
internal sealed class SnapshotSamples
{
    private readonly List<Run> _runs = [];
    private Dictionary<int, ReferentNode>? _trees;
    private ulong[] _sampled = [];
    private int _first = -1, _last = -1;
    // The run being extended, kept out of the list until it closes: one compare per sample at 10 Hz.
    private int _openCount;
    private long _openSize, _openFlat;
    private bool _sealed;
    private bool _sharesBitmap;

    /// <summary>Empty samples.</summary>
    public SnapshotSamples()
    {
    }

    /// <summary>
    /// Samples whose slots will lie between <paramref name="firstSlot"/> and <paramref name="lastSlot"/>: the
    /// bitmap is made once at its final size instead of doubling its way there (a snapshot of a program that
    /// replaces instances spans ever more slot numbers: in the benchmark's churning program, snapshots
    /// allocated 555 KiB each instead of 650 KiB).
    /// </summary>
    public SnapshotSamples(int firstSlot, int lastSlot)
    {
        if (lastSlot < firstSlot) return;
        _first = firstSlot;
        _sampled = new ulong[((lastSlot - firstSlot) >> 6) + 1];
    }

    /// <summary>Adds the sample of <paramref name="slot"/>; slots must come in increasing order.</summary>
    public void Add(int slot, long size, long flat, ReferentNode? tree)
    {
        if (_sealed) throw new InvalidOperationException("The samples of a snapshot are sealed.");
        if (slot <= _last || slot < _first) throw new ArgumentOutOfRangeException(nameof(slot), slot, "Samples must come in increasing slot order, from the first slot given.");
        if (_first < 0) _first = slot;
        int bit = slot - _first;
        if (bit >> 6 >= _sampled.Length) Array.Resize(ref _sampled, Math.Max(4, Math.Max(_sampled.Length * 2, (bit >> 6) + 1)));
        _sampled[bit >> 6] |= 1UL << (bit & 63);
        _last = slot;

        if (_openCount > 0 && _openSize == size && _openFlat == flat)
        {
            _openCount++;
        }
        else
        {
            if (_openCount > 0) _runs.Add(new Run(_openCount, _openSize, _openFlat));
            (_openCount, _openSize, _openFlat) = (1, size, flat);
        }
        if (tree is not null) (_trees ??= [])[slot] = tree;
    }

    /// <summary>
    /// Closes the last run and trims the bitmap; no sample can be added after. Call before the samples are
    /// read. When <paramref name="previous"/> sampled exactly the same slots, its bitmap is shared (sealed
    /// bitmaps never change): a program whose tracked objects stay put then keeps a few runs per snapshot
    /// instead of a bit per object (100,000 objects: 12.3 KiB per snapshot, 440 MB an hour at 10 Hz).
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public SnapshotSamples Seal(SnapshotSamples? previous = null)
    {
        if (_sealed) return this;
        if (_openCount > 0) _runs.Add(new Run(_openCount, _openSize, _openFlat));
        _openCount = 0;
        _runs.TrimExcess();
        int words = _first < 0 ? 0 : ((_last - _first) >> 6) + 1;
        if (_sampled.Length != words) Array.Resize(ref _sampled, words);
        if (previous is { _sealed: true } && previous._first == _first && previous._last == _last
            && previous._sampled.AsSpan().SequenceEqual(_sampled))
        {
            _sampled = previous._sampled;
            _sharesBitmap = true;
        }
        _sealed = true;
        return this;
    }

    public int RunCount => _runs.Count + (_openCount > 0 ? 1 : 0);

    /// <summary>Whether the bitmap is the previous snapshot's (the same slots were sampled).</summary>
    public bool SharesBitmap => _sharesBitmap;

    /// <summary>Bytes this snapshot's samples hold of their own (bitmap unless shared, and runs), for the benchmark.</summary>
    public long Bytes => (_sharesBitmap ? 0 : _sampled.Length * sizeof(ulong)) + (long)_runs.Capacity * 20;

    /// <summary>A reader that walks the samples in slot order; slots must be asked in increasing order.</summary>
    public Cursor Read() => _sealed ? new(this) : throw new InvalidOperationException("Seal the samples before reading them.");

    internal readonly record struct Run(int Count, long Size, long Flat);

    /// <summary>Forward-only lookup of a slot's sample.</summary>
    internal struct Cursor(SnapshotSamples samples)
    {
        private int _bit;        // bits before this one are counted in _rank
        private int _rank;       // sampled slots before _bit
        private int _run;        // the run holding sample number _runStart..
        private int _runStart;

        public bool TryGet(int slot, out long size, out long flat, out ReferentNode? tree)
        {
            size = flat = 0;
            tree = null;
            if (samples._first < 0 || slot < samples._first || slot > samples._last) return false;
            int bit = slot - samples._first;
            ulong[] words = samples._sampled;
            if ((words[bit >> 6] & (1UL << (bit & 63))) == 0) return false;

            // Count the sampled slots between the last question and this one.
            while (_bit >> 6 < bit >> 6)
            {
                _rank += BitOperations.PopCount(words[_bit >> 6] >> (_bit & 63));
                _bit = ((_bit >> 6) + 1) << 6;
            }
            ulong below = (1UL << (bit & 63)) - 1;
            _rank += BitOperations.PopCount(words[bit >> 6] & below & (ulong.MaxValue << (_bit & 63)));
            _bit = bit;

            List<Run> runs = samples._runs;
            while (_run < runs.Count && _runStart + runs[_run].Count <= _rank)
            {
                _runStart += runs[_run].Count;
                _run++;
            }
            size = runs[_run].Size;
            flat = runs[_run].Flat;
            tree = samples._trees?.GetValueOrDefault(slot);
            return true;
        }
    }
}
