using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapmon.Tracking;

/// <summary>
/// The tracker's per-object bookkeeping, kept small (the target is under 64 bytes per object):
/// columns in fixed-size chunks, one short weak GC handle per object, and an identity index by
/// the runtime hash code. Nothing here holds a tracked object strongly.
/// </summary>
/// <remarks>
/// Deaths are observed after every GC by <see cref="GcWatcher"/>: a weak handle that reads null
/// means the object was collected by that GC. One sentinel per GC replaces the textbook sentinel per
/// object (24 bytes + a ConditionalWeakTable entry + a dependent handle, ~70 bytes alone) with the
/// same precision: the finalizer thread runs right after the GC either way.
/// Mutations happen under the tracker's lock; the GC scan runs on the finalizer thread and only
/// reads handles and writes deaths, guarded against handle frees by <see cref="_scanLock"/>.
/// </remarks>
internal sealed class TrackedSlots : IGcListener, IDisposable
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    private readonly Lock _scanLock = new();
    private Chunk[] _chunks = [];
    private int _count;
    private int[] _index = new int[64]; // slot + 1 by identity hash, open addressing; 0 is empty
    private int _indexed;
    // The slots still holding a handle, in announcement order: snapshots and the GC scan go through
    // these, not through every slot ever tracked (a long run piles up dead ones). Null while no
    // handle was ever released: then every slot is watched and no list is needed (4 B per object
    // saved, the difference between 60 and 64 bytes of bookkeeping). Compacted lazily.
    private int[]? _watched;
    private int _watchedCount;
    private int _releasedSinceCompaction;
    private bool _disposed;

    public TrackedSlots() => GcWatcher.Start(this);

    /// <summary>Slots ever allocated (alive, dead and detached), in announcement order.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Registers <paramref name="obj"/> weakly; returns its slot.</summary>
    public int Add(object obj, long birthTicks, int label, int level, SlotFlags flags)
    {
        int slot = _count;
        if ((slot >> ChunkBits) == _chunks.Length)
        {
            var grown = new Chunk[_chunks.Length + 1];
            _chunks.CopyTo(grown, 0);
            grown[^1] = new Chunk();
            Volatile.Write(ref _chunks, grown);
        }
        Chunk chunk = _chunks[slot >> ChunkBits];
        int i = slot & ChunkMask;
        chunk.Handles[i] = GCHandle.ToIntPtr(GCHandle.Alloc(obj, GCHandleType.Weak));
        chunk.Birth[i] = birthTicks;
        chunk.Death[i] = 0;
        chunk.Label[i] = label;
        chunk.Info[i] = Pack(level, flags);
        chunk.Hash[i] = RuntimeHelpers.GetHashCode(obj);
        Volatile.Write(ref _count, slot + 1); // publish after the columns are written
        if (_watched is not null)
        {
            lock (_scanLock)
            {
                if (_watchedCount == _watched.Length) Array.Resize(ref _watched, _watchedCount + _watchedCount / 4 + 64);
                _watched[_watchedCount++] = slot;
            }
        }
        AddToIndex(slot, chunk.Hash[i]);
        return slot;
    }

    /// <summary>The slot tracking <paramref name="obj"/>, or -1.</summary>
    public int Find(object obj)
    {
        int hash = RuntimeHelpers.GetHashCode(obj);
        int mask = _index.Length - 1;
        for (int probe = hash & mask; ; probe = (probe + 1) & mask)
        {
            int entry = _index[probe];
            if (entry == 0) return -1;
            int slot = entry - 1;
            if (HashOf(slot) == hash && ReferenceEquals(Target(slot), obj)) return slot;
        }
    }

    /// <summary>The object in <paramref name="slot"/>, or null once collected or detached.</summary>
    public object? Target(int slot)
    {
        nint handle = Col(slot).Handles[slot & ChunkMask];
        return handle == 0 ? null : GCHandle.FromIntPtr(handle).Target;
    }

    public long Birth(int slot) => Col(slot).Birth[slot & ChunkMask];

    /// <summary>Observed death time in UTC ticks, 0 while alive (or never observed).</summary>
    public long Death(int slot) => Volatile.Read(ref Col(slot).Death[slot & ChunkMask]);

    public int Label(int slot) => Col(slot).Label[slot & ChunkMask];

    public int Level(int slot) => Col(slot).Info[slot & ChunkMask] & 0xFFFF;

    public SlotFlags Flags(int slot) => (SlotFlags)(Col(slot).Info[slot & ChunkMask] >>> 16);

    public void SetLevel(int slot, int level) => Col(slot).Info[slot & ChunkMask] = Pack(level, Flags(slot));

    public void SetFlags(int slot, SlotFlags flags) => Col(slot).Info[slot & ChunkMask] = Pack(Level(slot), flags);

    public void SetBirth(int slot, long ticks) => Col(slot).Birth[slot & ChunkMask] = ticks;

    public void SetLabel(int slot, int label) => Col(slot).Label[slot & ChunkMask] = label;

    /// <summary>Records a death at <paramref name="ticks"/> unless one was recorded already.</summary>
    public void MarkDead(int slot, long ticks) => Interlocked.CompareExchange(ref Col(slot).Death[slot & ChunkMask], ticks, 0);

    /// <summary>Stops watching <paramref name="slot"/>: frees its handle; its history stays.</summary>
    public void Release(int slot)
    {
        Chunk chunk = Col(slot);
        int i = slot & ChunkMask;
        if (chunk.Handles[i] == 0) return;
        lock (_scanLock)
        {
            nint handle = chunk.Handles[i];
            if (handle == 0) return;
            chunk.Handles[i] = 0;
            GCHandle.FromIntPtr(handle).Free();
            _releasedSinceCompaction++;
        }
    }

    /// <summary>The slots still holding a handle, in announcement order. Call under the tracker's lock; releasing while going through them is fine.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public WatchedSlots Watched()
    {
        if (_releasedSinceCompaction > 0)
        {
            lock (_scanLock)
            {
                WatchedSlots before = AllWatched(_count);
                int[] kept = _watched ?? new int[_count - _releasedSinceCompaction + 64]; // compacted in place: n never passes k
                int n = 0;
                for (int k = 0; k < before.Count; k++)
                {
                    int slot = before[k];
                    if (Col(slot).Handles[slot & ChunkMask] != 0) kept[n++] = slot;
                }
                _watched = kept;
                _watchedCount = n;
                _releasedSinceCompaction = 0;
            }
        }
        return AllWatched(_count);
    }

    /// <summary>How many slots <see cref="Watched"/> would give now (at most).</summary>
    public int WatchedCount => AllWatched(_count).Count;

    /// <summary>The watched list as it stands (released slots not yet compacted out): every slot below <paramref name="count"/> while there is no list.</summary>
    private WatchedSlots AllWatched(int count) => _watched is null ? new WatchedSlots(null, count) : new WatchedSlots(_watched, _watchedCount);

    /// <summary>
    /// Fills <paramref name="live"/> with the watched objects alive now, in announcement order, and lets go
    /// of what is over: handles of objects seen dead (deaths the GC scan missed are recorded at
    /// <paramref name="nowTicks"/>) and of ignored or detached objects once collected. Call under the
    /// tracker's lock. Column by column within a chunk: at 10 snapshots a second over 100,000 slots, going
    /// through the per-slot accessors cost a chunk lookup per column read.
    /// </summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public void GatherLive(LiveObjects live, long nowTicks)
    {
        live.Count = 0;
        WatchedSlots watched = Watched();
        Chunk[] chunks = _chunks;
        Chunk chunk = chunks.Length > 0 ? chunks[0] : null!;
        int chunkIndex = 0;
        for (int k = 0; k < watched.Count; k++)
        {
            int slot = watched[k];
            if (slot >> ChunkBits != chunkIndex) chunk = chunks[chunkIndex = slot >> ChunkBits];
            int i = slot & ChunkMask;
            int info = chunk.Info[i];
            bool ignored = ((SlotFlags)(info >>> 16) & (SlotFlags.Ignored | SlotFlags.Detached)) != 0;
            nint handle = chunk.Handles[i];
            object? obj = handle == 0 ? null : GCHandle.FromIntPtr(handle).Target;
            if (Volatile.Read(ref chunk.Death[i]) != 0 || ignored && obj is null)
            {
                Release(slot); // the GC scan saw it die; its handle is no longer needed
                continue;
            }
            if (ignored) continue;
            if (obj is null)
            {
                // Collected, and the finalizer thread has not told us yet: it died before this snapshot.
                MarkDead(slot, nowTicks);
                Release(slot);
                continue;
            }
            live.Append(slot, obj, info & 0xFFFF, chunk.Label[i]);
        }
    }

    /// <summary>Frees every handle and forgets every slot.</summary>
    public void Reset()
    {
        lock (_scanLock)
        {
            FreeAll();
            Volatile.Write(ref _count, 0);
            _chunks = [];
            _index = new int[64];
            _indexed = 0;
            _watched = null;
            _watchedCount = 0;
            _releasedSinceCompaction = 0;
        }
    }

    /// <summary>Records the deaths a GC caused: every watched handle that reads null now.</summary>
    public int ScanForDeaths(long nowTicks)
    {
        int found = 0;
        lock (_scanLock)
        {
            Chunk[] chunks = Volatile.Read(ref _chunks);
            WatchedSlots watched = AllWatched(Volatile.Read(ref _count));
            for (int k = 0; k < watched.Count; k++)
            {
                int slot = watched[k];
                Chunk chunk = chunks[slot >> ChunkBits];
                int i = slot & ChunkMask;
                nint handle = chunk.Handles[i];
                if (handle == 0 || chunk.Death[i] != 0) continue;
                if (GCHandle.FromIntPtr(handle).Target is null)
                {
                    Interlocked.CompareExchange(ref chunk.Death[i], nowTicks, 0);
                    found++;
                }
            }
        }
        return found;
    }

    bool IGcListener.OnGarbageCollected()
    {
        if (Volatile.Read(ref _disposed)) return false;
        ScanForDeaths(DateTime.UtcNow.Ticks);
        return true;
    }

    /// <summary>Managed bytes of bookkeeping held for the current slots (columns and index), for the benchmark.</summary>
    public long BookkeepingBytes => (long)_chunks.Length * ChunkSize * Chunk.BytesPerSlot + (long)_index.Length * sizeof(int) + (long)(_watched?.Length ?? 0) * sizeof(int);

    public void Dispose()
    {
        if (_disposed) return;
        Volatile.Write(ref _disposed, true);
        lock (_scanLock) FreeAll();
        GC.SuppressFinalize(this);
    }

    ~TrackedSlots()
    {
        // An undisposed tracker must not leak its GC handles.
        if (!Environment.HasShutdownStarted) FreeAll();
    }

    private void FreeAll()
    {
        int count = _count;
        for (int slot = 0; slot < count; slot++)
        {
            Chunk chunk = _chunks[slot >> ChunkBits];
            nint handle = chunk.Handles[slot & ChunkMask];
            if (handle == 0) continue;
            chunk.Handles[slot & ChunkMask] = 0;
            GCHandle.FromIntPtr(handle).Free();
        }
    }

    private int HashOf(int slot) => Col(slot).Hash[slot & ChunkMask];

    private Chunk Col(int slot) => _chunks[slot >> ChunkBits];

    private static int Pack(int level, SlotFlags flags) => (int)flags << 16 | (level & 0xFFFF);

    private void AddToIndex(int slot, int hash)
    {
        if ((_indexed + 1) * 4 > _index.Length * 3) RebuildIndex();
        Insert(_index, slot, hash);
        _indexed++;
    }

    /// <summary>Rebuilds the identity index with only the slots still watched, growing it when needed.</summary>
    private void RebuildIndex()
    {
        WatchedSlots watched = Watched();
        int live = 0;
        for (int k = 0; k < watched.Count; k++)
            if (Death(watched[k]) == 0) live++;
        int size = 64;
        while (size * 3 < (live + 1) * 8) size *= 2; // load at most 3/8 after a rebuild
        var index = new int[size];
        for (int k = 0; k < watched.Count; k++)
            if (Death(watched[k]) == 0) Insert(index, watched[k], HashOf(watched[k]));
        _index = index;
        _indexed = live;
    }

    private static void Insert(int[] index, int slot, int hash)
    {
        int mask = index.Length - 1;
        int probe = hash & mask;
        while (index[probe] != 0) probe = (probe + 1) & mask;
        index[probe] = slot + 1;
    }

    private sealed class Chunk
    {
        public const int BytesPerSlot = 8 + 8 + 8 + 4 + 4 + 4;
        public readonly nint[] Handles = new nint[ChunkSize];
        public readonly long[] Birth = new long[ChunkSize];
        public readonly long[] Death = new long[ChunkSize];
        public readonly int[] Label = new int[ChunkSize];
        public readonly int[] Info = new int[ChunkSize];
        public readonly int[] Hash = new int[ChunkSize];
    }
}

/// <summary>The slots still watched: a list, or (while none was ever released) every slot up to a count.</summary>
internal readonly ref struct WatchedSlots(int[]? list, int count)
{
    public int Count => count;

    public int this[int k] => list is null ? k : list[k];
}

/// <summary>How a slot came to be tracked.</summary>
[Flags]
internal enum SlotFlags
{
    None = 0,
    /// <summary>Tracked with TrackObject (not found by a class walk).</summary>
    Individual = 1,
    /// <summary>An instance that existed when its class was tracked: remembered only to be left out.</summary>
    Ignored = 2,
    /// <summary>Detached: no longer sampled; its history stays.</summary>
    Detached = 4,
}
