namespace Heapmon.Tracking;

/// <summary>
/// Tracks objects and classes and records their sizes and lifetimes over labelled snapshots
/// (Pympler: ClassTracker). Holds tracked objects weakly: tracking never keeps an object alive.
/// </summary>
/// <remarks>
/// Thread-safe: tracking calls and snapshots may come from any thread; snapshots are serialised.
/// Class instances are found by a walk of the heap at each snapshot, so an instance's birth is the
/// time it was first seen, not the time it was constructed.
/// </remarks>
public sealed partial class ClassTracker : IDisposable
{
    private readonly Lock _lock = new();         // bookkeeping: slots, classes, snapshots
    private readonly Lock _snapshotGate = new(); // one snapshot (or class walk) at a time; taken before _lock
    private readonly ISnapshotMeasurer _measurer;
    private readonly IInstanceSource _source;
    private readonly TrackedSlots _slots = new();
    private readonly TrackedClasses _classes = new();
    private readonly Dictionary<int, string> _names = [];
    private readonly List<Snapshot> _snapshots = [];
    private readonly List<SnapshotSamples> _samples = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly IInstantiationTraces? _traces;
    private PeriodicSnapshots? _periodic;
    private bool _disposed;

    /// <summary>Creates a tracker with nothing tracked (Pympler: ClassTracker()).</summary>
    public ClassTracker() : this(TrackerBackends.Measurer(), TrackerBackends.InstanceSource(), TrackerBackends.Traces()) { }

    internal ClassTracker(ISnapshotMeasurer measurer, IInstanceSource source, IInstantiationTraces? traces = null)
    {
        _measurer = measurer;
        _source = source;
        _traces = traces;
    }

    /// <summary>Snapshots taken so far, oldest first (Pympler: ClassTracker.snapshots).</summary>
    public IReadOnlyList<Snapshot> Snapshots
    {
        get { lock (_lock) return _snapshots.ToArray(); }
    }

    /// <summary>Statistics over everything recorded so far, to sort, print or dump (Pympler: Stats(tracker=tracker)).</summary>
    public Heapmon.Stats.Stats Stats => new(ToData());

    /// <summary>
    /// Tracks one object: its birth now, its death when observed, its size at every snapshot and,
    /// above level 0, its referent tree (Pympler: track_object). Tracking an object twice does nothing.
    /// </summary>
    /// <param name="obj">The object; a boxed value type is refused (the box would be a copy).</param>
    /// <param name="resolutionLevel">Depth of the referent tree recorded at each snapshot.</param>
    /// <param name="name">A name for reports; default: short type name and id, like <c>Factory#1</c>.</param>
    public void TrackObject(object obj, int resolutionLevel = 0, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        CheckLevel(resolutionLevel);
        if (obj.GetType().IsValueType)
            throw new ArgumentException($"Cannot track a boxed {TypeNames.Display(obj.GetType())}: the box is a copy that nothing else refers to. Track the object that holds the value.", nameof(obj));
        lock (_lock)
        {
            ThrowIfDisposed();
            int slot = _slots.Find(obj);
            if (slot >= 0)
            {
                // An instance remembered only to be left out becomes an individually tracked object.
                if ((_slots.Flags(slot) & SlotFlags.Ignored) == 0) return;
                _slots.Release(slot);
            }
            int label = _classes.IndividualLabel(obj.GetType());
            slot = _slots.Add(obj, DateTime.UtcNow.Ticks, label, resolutionLevel, SlotFlags.Individual);
            if (name is not null) _names[slot] = name;
        }
    }

    /// <summary>
    /// Tracks every instance of <paramref name="type"/> and its subclasses created from now on
    /// (Pympler: track_class). An open generic tracks every instantiation; an interface, every implementer.
    /// </summary>
    /// <param name="type">The class to track.</param>
    /// <param name="resolutionLevel">Depth of the referent tree recorded for each instance.</param>
    /// <param name="trace">Record where instances are created (instantiation sites).</param>
    /// <param name="name">The name its instances are reported under; default: the type's full name.</param>
    /// <param name="includeExisting">Also track the instances alive now (Pympler cannot: it patches the constructor).</param>
    /// <remarks>
    /// With <paramref name="trace"/>, the allocation tracer (<see cref="Allocations.AllocationTracer"/>) samples the
    /// allocations: it is started if not running, and stopped again when no traced class is left (a tracer started
    /// by the caller is left running). Sites are estimates from samples (about one per 100 KB allocated).
    /// </remarks>
    /// <exception cref="PlatformNotSupportedException">The heap cannot be walked here (not Linux, Native AOT).</exception>
    /// <exception cref="InvalidOperationException">The heap could not be read consistently (the walk failed with a <see cref="Heap.HeapWalkException"/>, also inside the program's own no-GC region), or, with <paramref name="trace"/>, the allocation tracer could not start.</exception>
    public void TrackClass(Type type, int resolutionLevel = 0, bool trace = false, string? name = null, bool includeExisting = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        CheckLevel(resolutionLevel);
        if (type.IsGenericParameter || type.ContainsGenericParameters && !type.IsGenericTypeDefinition || type.IsPointer || type.IsByRef)
            throw new ArgumentException($"Cannot track {type}: only classes, structs (boxed), interfaces and generic type definitions have instances on the heap.", nameof(type));
        lock (_snapshotGate)
        {
            IReadOnlyList<object>? existing = null;
            if (!includeExisting)
                existing = _source.Find([type], youngSince: null)?.Instances
                    ?? throw new InvalidOperationException($"Could not get a consistent view of the heap to tell the existing instances of {TypeNames.Display(type)} from new ones; try again, or pass includeExisting: true.");
            lock (_lock)
            {
                ThrowIfDisposed();
                Allocations.SampleMark since = default;
                TrackedClass? previous = _classes.ActiveOf(type);
                if (trace && _traces is not null)
                {
                    // Before the class is added: if the tracer cannot start, the class is not tracked either.
                    _traces.Acquire();
                    // Tracked again with trace: its sites go on counting from the first time.
                    since = previous is { Trace: true } ? previous.Since : _traces.Mark();
                }
                _classes.Add(new TrackedClass(type, name ?? TypeNames.Display(type), resolutionLevel, trace, since)
                {
                    Sites = previous is { Trace: true } && trace ? previous.Sites : [],
                });
                if (!trace) ReleaseTracesIfUnused();
                if (existing is null) return;
                int label = _classes.Label(name ?? TypeNames.Display(type), type);
                foreach (object instance in existing)
                    if (_slots.Find(instance) < 0) _slots.Add(instance, 0, label, 0, SlotFlags.Ignored);
            }
        }
    }

    /// <summary>Tracks every instance of <typeparamref name="T"/> created from now on (Pympler: track_class).</summary>
    /// <param name="resolutionLevel">Depth of the referent tree recorded for each instance.</param>
    /// <param name="trace">Record where instances are created (instantiation sites).</param>
    /// <param name="name">The name its instances are reported under; default: the type's full name.</param>
    /// <param name="includeExisting">Also track the instances alive now.</param>
    public void TrackClass<T>(int resolutionLevel = 0, bool trace = false, string? name = null, bool includeExisting = false)
        => TrackClass(typeof(T), resolutionLevel, trace, name, includeExisting);

    /// <summary>Changes the referent-tree depth of a tracked object from the next snapshot on (Pympler: track_change).</summary>
    /// <exception cref="ArgumentException"><paramref name="obj"/> is not tracked.</exception>
    public void TrackChange(object obj, int resolutionLevel)
    {
        ArgumentNullException.ThrowIfNull(obj);
        CheckLevel(resolutionLevel);
        lock (_lock)
        {
            ThrowIfDisposed();
            int slot = _slots.Find(obj);
            if (slot < 0 || (_slots.Flags(slot) & (SlotFlags.Ignored | SlotFlags.Detached)) != 0)
                throw new ArgumentException($"The {TypeNames.Display(obj.GetType())} is not tracked; track it first with TrackObject.", nameof(obj));
            _slots.SetLevel(slot, resolutionLevel);
        }
    }

    /// <summary>Stops sampling one object; what was recorded about it stays. Returns false if it was not tracked.</summary>
    public bool Detach(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (_lock)
        {
            ThrowIfDisposed();
            int slot = _slots.Find(obj);
            if (slot < 0 || (_slots.Flags(slot) & SlotFlags.Ignored) != 0) return false;
            _slots.SetFlags(slot, _slots.Flags(slot) | SlotFlags.Detached);
            _slots.Release(slot);
            return true;
        }
    }

    /// <summary>
    /// Stops taking on new instances of <paramref name="type"/> (Pympler: detach_class); instances
    /// already found stay tracked. Returns false if the class was not tracked.
    /// </summary>
    public bool DetachClass(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        FlushTraces();
        lock (_lock)
        {
            ThrowIfDisposed();
            // Sites are frozen as they are now: the attribution to the other classes changes with this one gone.
            RefreshSitesLocked();
            if (!_classes.Deactivate(type)) return false;
            ReleaseTracesIfUnused();
            return true;
        }
    }

    /// <summary>Stops taking on new instances of every tracked class (Pympler: detach_all_classes).</summary>
    public void DetachAllClasses()
    {
        FlushTraces();
        lock (_lock)
        {
            ThrowIfDisposed();
            RefreshSitesLocked();
            _classes.DeactivateAll();
            ReleaseTracesIfUnused();
        }
    }

    /// <summary>Detaches every class and forgets every tracked object (Pympler: detach_all); snapshots stay.</summary>
    public void DetachAll()
    {
        FlushTraces();
        lock (_snapshotGate)
        lock (_lock)
        {
            ThrowIfDisposed();
            RefreshSitesLocked();
            _classes.DeactivateAll();
            ReleaseTracesIfUnused();
            _slots.Reset();
            _names.Clear();
            for (int i = 0; i < _samples.Count; i++) _samples[i] = new SnapshotSamples().Seal();
        }
    }

    /// <summary>Stops periodic snapshots, forgets every class, object and snapshot (Pympler: clear).</summary>
    public void Clear()
    {
        StopPeriodicSnapshots();
        lock (_snapshotGate)
        lock (_lock)
        {
            ThrowIfDisposed();
            _classes.Clear();
            ReleaseTracesIfUnused();
            _slots.Reset();
            _names.Clear();
            _snapshots.Clear();
            _samples.Clear();
        }
    }

    /// <summary>Takes a snapshot every <paramref name="interval"/> on a background thread (Pympler: start_periodic_snapshots).</summary>
    /// <remarks>With nothing tracked, snapshots still record process memory and GC figures: transient memory shows there.</remarks>
    public void StartPeriodicSnapshots(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        StopPeriodicSnapshots();
        lock (_lock)
        {
            ThrowIfDisposed();
            _periodic = PeriodicSnapshots.Start(this, interval);
        }
    }

    /// <summary>Stops periodic snapshots, waiting for one in progress to finish (Pympler: stop_periodic_snapshots).</summary>
    public void StopPeriodicSnapshots()
    {
        PeriodicSnapshots? periodic;
        lock (_lock)
        {
            periodic = _periodic;
            _periodic = null;
        }
        periodic?.Stop();
    }

    /// <summary>Managed bytes of the per-object bookkeeping (columns and identity index), for the benchmark.</summary>
    internal long BookkeepingBytes
    {
        get { lock (_lock) return _slots.BookkeepingBytes; }
    }

    /// <summary>Bytes the snapshots' samples keep (bitmaps and runs), for the benchmark.</summary>
    internal long SampleBytes
    {
        get { lock (_lock) return _samples.Sum(s => s.Bytes); }
    }

    /// <summary>Slots ever allocated (objects ever tracked, alive or not), for the benchmark.</summary>
    internal int SlotCount => _slots.Count;

    /// <summary>Periodic snapshots that failed (and were skipped, never thrown into the program).</summary>
    internal int PeriodicFailures => _periodic?.Failures ?? 0;

    /// <summary>Stops periodic snapshots, releases every weak handle and the allocation tracer if it started it; recorded data stays readable through <see cref="ToData"/>.</summary>
    public void Dispose()
    {
        StopPeriodicSnapshots();
        FlushTraces();
        lock (_snapshotGate)
        lock (_lock)
        {
            if (_disposed) return;
            RefreshSitesLocked(); // the last sites stay readable through ToData
            _disposed = true;
            _traces?.Release();
            _slots.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static void CheckLevel(int resolutionLevel, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(resolutionLevel))] string? param = null)
    {
        if (resolutionLevel < 0 || resolutionLevel > 1000)
            throw new ArgumentOutOfRangeException(param, resolutionLevel, "The resolution level is a referent depth from 0 (the object alone) up.");
    }
}
