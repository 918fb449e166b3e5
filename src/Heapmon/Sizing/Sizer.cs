using System.Runtime.CompilerServices;
namespace Heapmon.Sizing;

/// <summary>
/// Sizes several objects in turn, counting shared data once, for the first object that reaches it
/// (Pympler: Asizer). Holds the objects it has seen until <see cref="Reset"/>; not thread-safe.
/// </summary>
public sealed partial class Sizer
{
    // A GC moves objects and voids the address-keyed seen-set; after this many interrupted
    // attempts a call falls back to a reference-equality set, which is slower but GC-proof.
    private const int FastAttempts = 3;

    [ThreadStatic] private static Sizer? s_threadDefault;

    private readonly GraphWalker _walker;
    private readonly AddressBitmap _bits = new();
    private readonly ObjectList? _seen;
    private readonly HashSet<object> _excludedUnsized = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _rejectedRootsSized = new(ReferenceEqualityComparer.Instance);
    private int _bitsGc = -1;

    /// <summary>A sizer with the given options (default: <see cref="SizingOptions.Default"/>) and an empty seen-set.</summary>
    public Sizer(SizingOptions? options = null)
        : this(options ?? SizingOptions.Default, remember: true)
    {
    }

    private Sizer(SizingOptions options, bool remember)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _walker = new GraphWalker(options);
        _seen = remember ? new ObjectList() : null;
    }

    /// <summary>The options every call of this sizer uses.</summary>
    public SizingOptions Options { get; }

    /// <summary>Bytes counted by all calls since creation or <see cref="Reset"/> (Pympler: Asizer.total).</summary>
    public long Total { get; private set; }

    /// <summary>
    /// Deep size of <paramref name="obj"/>, leaving out objects counted by earlier calls and excluded objects
    /// (Pympler: Asizer.asizeof). An object already counted as part of an earlier call gives 0.
    /// </summary>
    public long Deep(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Execute(obj, -1).Size;
    }

    /// <summary>
    /// The size tree of <paramref name="obj"/> down to <paramref name="detail"/> levels, with this sizer's seen-set
    /// (Pympler: Asizer.asized); a root counted by an earlier call gives a node of size 0.
    /// </summary>
    public SizedObject Measure(object obj, int detail)
    {
        CheckMeasureArguments(obj, detail);
        return Execute(obj, detail).Tree!;
    }

    /// <summary>
    /// Marks <paramref name="obj"/> as neither counted nor traversed when reached from other objects; sized
    /// directly, it is still counted once (Pympler: Asizer.exclude_refs).
    /// </summary>
    public void Exclude(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        for (int attempt = 0; attempt < FastAttempts; attempt++)
        {
            if (!EnsureBitmapCurrent()) break;
            bool added = _bits.TryAdd(ObjectLayout.Address(obj));
            if (GC.CollectionCount(0) != _bitsGc)
            {
                _bitsGc = -1; // the mark may have gone to a stale address: rebuild and mark again
                continue;
            }
            if (added) Remember(obj);
            return;
        }
        Remember(obj); // GCs keep interrupting: record it; the bitmap is rebuilt from the list next call
        _bitsGc = -1;
    }

    private void Remember(object excluded)
    {
        _seen?.Add(excluded);
        _excludedUnsized.Add(excluded);
    }

    /// <summary>Forgets every object seen or excluded and sets <see cref="Total"/> to 0 (Pympler: Asizer.reset).</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public void Reset()
    {
        _bits.Clear();
        _seen?.Truncate(0);
        _excludedUnsized.Clear();
        _rejectedRootsSized.Clear();
        _bitsGc = -1;
        Total = 0;
    }

    internal static void CheckMeasureArguments(object obj, int detail)
    {
        if (obj is null)
            throw new ArgumentNullException(nameof(obj), "Measure needs an object to size, but obj was null.");
        if (detail < 0)
            throw new ArgumentOutOfRangeException(nameof(detail), detail,
                "detail is the number of referent levels to list (0 = the root only) and must be 0 or more.");
    }

    /// <summary>A sizer that remembers nothing between calls; for the default options, one reused per thread.</summary>
    internal static Sizer ForOneCall(SizingOptions? options)
    {
        if (options is not null && !ReferenceEquals(options, SizingOptions.Default))
            return new Sizer(options, remember: false);
        Sizer sizer = s_threadDefault ??= new Sizer(SizingOptions.Default, remember: false);
        sizer.Reset();
        return sizer;
    }

    private (long Size, SizedObject? Tree) Execute(object root, int detail)
    {
        int mark = _seen?.Count ?? 0;
        try
        {
            return ExecuteCore(root, detail);
        }
        catch
        {
            // A throwing StopWhen predicate: forget what the broken call saw and drop the walk's references.
            _seen?.Truncate(mark);
            _bitsGc = -1;
            _walker.Clear();
            throw;
        }
    }

    private (long Size, SizedObject? Tree) ExecuteCore(object root, int detail)
    {
        for (int attempt = 0; attempt < FastAttempts; attempt++)
        {
            if (!EnsureBitmapCurrent()) break;
            int mark = _seen?.Count ?? 0;
            _walker.Begin(_bitsGc, _seen);
            (long Size, SizedObject? Tree) result = Once(root, detail, new BitmapSeen(_bits));
            if (!_walker.Aborted && GC.CollectionCount(0) == _bitsGc)
                return Commit(root, result);
            _seen?.Truncate(mark);
            _bitsGc = -1;
        }

        (long Size, SizedObject? Tree) safe = Once(root, detail, BeginReferenceWalk());
        return Commit(root, safe);
    }

    private (long Size, SizedObject? Tree) Once<TSeen>(object root, int detail, TSeen seen) where TSeen : struct, ISeenSet
    {
        bool fresh = seen.TryAdd(root);
        // A root is counted unless an earlier call counted it. Its mark may also come from an exclusion,
        // or from an earlier walk that reached it and rejected it under the options (a stop type, frozen).
        bool rejected = _walker.Rejects(root);
        if (!fresh && !_excludedUnsized.Contains(root) && !(rejected && !_rejectedRootsSized.Contains(root)))
            return (0, detail < 0 ? null : new SizedObject(TypeNames.Plain(root.GetType()), root.GetType(), 0, 0, []));
        if (fresh) _walker.Record(root);
        if (detail < 0) return (_walker.DeepFrom(root, seen), null);
        SizedObject tree = _walker.MeasureFrom(root, TypeNames.Plain(root.GetType()), detail, seen);
        return (tree.Size, tree);
    }

    private (long Size, SizedObject? Tree) Commit(object root, (long Size, SizedObject? Tree) result)
    {
        _excludedUnsized.Remove(root);
        if (_walker.Rejects(root)) _rejectedRootsSized.Add(root);
        Total += result.Size;
        if (_seen is null) Reset(); // a one-call sizer keeps no reference past its call
        return result;
    }

    /// <summary>
    /// Starts a walk with the GC-proof seen-set, for when GCs keep voiding the bitmap: the seen list (and
    /// <paramref name="unlisted"/>, objects marked but not listed) by reference. The walk records into the
    /// list as usual; the bitmap lacks what it sees, so it is rebuilt from the list next time.
    /// </summary>
    private ReferenceSeen BeginReferenceWalk(ReadOnlySpan<object> unlisted = default)
    {
        var set = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object obj in unlisted) set.Add(obj);
        if (_seen is not null)
            foreach (object seen in _seen.Items()) set.Add(seen);
        _walker.Begin(-1, _seen);
        _bitsGc = -1;
        return new ReferenceSeen(set);
    }

    /// <summary>
    /// Makes the bitmap match the seen list (and <paramref name="unlisted"/>, objects marked but not listed) at the
    /// current GC count; false if GCs keep interrupting.
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private bool EnsureBitmapCurrent(ReadOnlySpan<object> unlisted = default)
    {
        for (int attempt = 0; attempt < FastAttempts; attempt++)
        {
            int gc = GC.CollectionCount(0);
            if (gc == _bitsGc) return true;
            _bits.Clear();
            if (_seen is not null)
                foreach (object seen in _seen.Items()) _bits.TryAdd(ObjectLayout.Address(seen));
            foreach (object obj in unlisted) _bits.TryAdd(ObjectLayout.Address(obj));
            if (GC.CollectionCount(0) == gc)
            {
                _bitsGc = gc;
                return true;
            }
        }
        return false;
    }
}
