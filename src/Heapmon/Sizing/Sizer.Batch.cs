using System.Runtime.CompilerServices;
namespace Heapmon.Sizing;

public sealed partial class Sizer
{
    /// <summary>
    /// Deep sizes of <paramref name="objects"/> in order, each one excluded from the others' sizes: the
    /// result of <see cref="Exclude"/> on every object and then <see cref="Deep"/> on each in turn
    /// (Pympler: Asizer.asizesof), without the per-call costs. Data shared between the objects is counted
    /// for the first one, in order, that reaches it; a repeated object gives 0 the second time.
    /// </summary>
    /// <remarks>
    /// The objects are marked in the seen-set up front, which makes them a stop-set for one another at no
    /// cost per reached object (a <see cref="SizingOptions.StopWhen"/> test would cost a call each). A GC
    /// voids the address-keyed marks, so the walk notes the GC count per object as <see cref="Deep"/> does:
    /// an interrupted object is walked again once the seen-set is rebuilt from the seen list, and objects
    /// already sized keep their sizes.
    /// </remarks>
    internal void DeepEach(ReadOnlySpan<object> objects, Span<long> sizes)
    {
        if (sizes.Length != objects.Length)
            throw new ArgumentException($"sizes has {sizes.Length} elements but objects has {objects.Length}; they must match.", nameof(sizes));
        foreach (object obj in objects) ArgumentNullException.ThrowIfNull(obj, nameof(objects));
        if (_seen is null || !TryMarkRoots(objects, sizes))
        {
            // GCs keep interrupting the marking (or this sizer keeps no list): the same result, call by call.
            foreach (object obj in objects) Exclude(obj);
            for (int i = 0; i < objects.Length; i++) sizes[i] = Deep(objects[i]);
            return;
        }

        int next = 0, mark = _seen.Count;
        try
        {
            for (; next < objects.Length; next++)
            {
                mark = _seen.Count;
                sizes[next] = SizeMarkedRoot(objects[next], fresh: sizes[next] != 0);
            }
        }
        catch
        {
            // A throwing StopWhen predicate: as after Exclude on all and Deep up to the failing object, the
            // objects not sized yet stay excluded, and what the broken walk saw is forgotten.
            _seen.Truncate(mark);
            for (int i = next; i < objects.Length; i++)
                if (sizes[i] != 0) _excludedUnsized.Add(objects[i]);
            _bitsGc = -1;
            _walker.Clear();
            throw;
        }
    }

    /// <summary>
    /// Deep and flat sizes of <paramref name="objects"/> as <see cref="DeepEach"/> gives them on a reset sizer; the
    /// sizer is reset before and after (the tracker's sizing of one snapshot).
    /// </summary>
    /// <remarks>
    /// Distinct objects take a faster road than <see cref="DeepEach"/>'s. They are marked but not listed: a
    /// bitmap rebuilt after a GC marks them again from <paramref name="objects"/>. Each is walked without a
    /// push, and the GC count is checked once per batch rather than once per object; a batch that a GC
    /// interrupted is walked again, with what it had seen forgotten.
    /// </remarks>
    [MethodImpl(SnapshotCode.OncePerCall)]
    internal void SizeAll(ReadOnlySpan<object> objects, Span<long> sizes, Span<long> flats)
    {
        if (sizes.Length != objects.Length || flats.Length != objects.Length)
            throw new ArgumentException($"sizes and flats need {objects.Length} elements each, like objects; they have {sizes.Length} and {flats.Length}.", nameof(sizes));
        foreach (object obj in objects) ArgumentNullException.ThrowIfNull(obj, nameof(objects));
        Reset();
        try
        {
            if (_seen is not null && TryMarkDistinct(objects))
            {
                SizeMarkedInBatches(objects, sizes, flats);
                return;
            }
            Reset(); // an object appears twice, or GCs keep interrupting: the general road
            DeepEach(objects, sizes);
            for (int i = 0; i < objects.Length; i++) flats[i] = ObjectSize.Shallow(objects[i]);
        }
        finally
        {
            Reset(); // it holds strong references to what it saw
        }
    }

    /// <summary>Marks every object in the (empty) bitmap without listing it; false if one appears twice or GCs keep interrupting.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private bool TryMarkDistinct(ReadOnlySpan<object> objects)
    {
        for (int attempt = 0; attempt < FastAttempts; attempt++)
        {
            if (!EnsureBitmapCurrent()) return false;
            int gc = _bitsGc;
            bool distinct = true;
            for (int i = 0; i < objects.Length && distinct; i++) distinct = _bits.TryAdd(ObjectLayout.Address(objects[i]));
            if (GC.CollectionCount(0) != gc)
            {
                _bitsGc = -1; // marks may have gone to stale addresses: start again
                continue;
            }
            return distinct;
        }
        return false;
    }

    [MethodImpl(SnapshotCode.OncePerCall)]
    private void SizeMarkedInBatches(ReadOnlySpan<object> objects, Span<long> sizes, Span<long> flats)
    {
        const int Batch = 256;
        for (int start = 0; start < objects.Length; start += Batch)
        {
            int end = Math.Min(objects.Length, start + Batch);
            bool done = false;
            for (int attempt = 0; attempt < FastAttempts && !done; attempt++)
            {
                if (!EnsureBitmapCurrent(objects)) break;
                int mark = _seen!.Count;
                _walker.Begin(_bitsGc, _seen);
                var seen = new BitmapSeen(_bits);
                for (int i = start; i < end && !_walker.Aborted; i++) sizes[i] = _walker.DeepFrom(objects[i], seen, out flats[i]);
                done = !_walker.Aborted && GC.CollectionCount(0) == _bitsGc;
                if (done) continue;
                _seen.Truncate(mark);
                _bitsGc = -1;
            }
            if (!done)
            {
                // GCs keep interrupting: this batch with a reference set, which no GC can void.
                ReferenceSeen set = BeginReferenceWalk(objects);
                for (int i = start; i < end; i++) sizes[i] = _walker.DeepFrom(objects[i], set, out flats[i]);
            }
        }
    }

    /// <summary>Marks every object seen; <paramref name="fresh"/>[i] is 1 where this call marked it first. False if GCs keep interrupting.</summary>
    private bool TryMarkRoots(ReadOnlySpan<object> objects, Span<long> fresh)
    {
        for (int attempt = 0; attempt < FastAttempts; attempt++)
        {
            if (!EnsureBitmapCurrent()) return false;
            int mark = _seen!.Count;
            for (int i = 0; i < objects.Length; i++)
            {
                bool added = _bits.TryAdd(ObjectLayout.Address(objects[i]));
                fresh[i] = added ? 1 : 0;
                if (added) _seen.Add(objects[i]);
            }
            if (GC.CollectionCount(0) == _bitsGc) return true;
            _seen.Truncate(mark); // some marks may have gone to stale addresses: start again
            _bitsGc = -1;
        }
        return false;
    }

    /// <summary>One object already marked by <see cref="TryMarkRoots"/>: counted by the same rule as <see cref="Deep"/>'s root.</summary>
    private long SizeMarkedRoot(object root, bool fresh)
    {
        bool rejected = _walker.Rejects(root);
        bool excluded = _excludedUnsized.Count > 0 && _excludedUnsized.Contains(root);
        if (!fresh && !excluded && !(rejected && !_rejectedRootsSized.Contains(root))) return 0;
        long size = WalkMarkedRoot(root);
        if (excluded) _excludedUnsized.Remove(root);
        if (rejected) _rejectedRootsSized.Add(root);
        Total += size;
        return size;
    }

    private long WalkMarkedRoot(object root)
    {
        for (int attempt = 0; attempt < FastAttempts; attempt++)
        {
            if (!EnsureBitmapCurrent()) break;
            int mark = _seen!.Count;
            _walker.Begin(_bitsGc, _seen);
            long size = _walker.DeepFrom(root, new BitmapSeen(_bits));
            if (!_walker.Aborted && GC.CollectionCount(0) == _bitsGc) return size;
            _seen.Truncate(mark);
            _bitsGc = -1;
        }

        return _walker.DeepFrom(root, BeginReferenceWalk());
    }
}
