using Heapmon.Metrics;
using Heapmon.Model;

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
public sealed class ClassTracker : ITrackerDataSource, IDisposable
{
    // A facade: the parts below do the work (see SnapshotPipeline for how they fit together).
    private readonly Lock _lock = new();         // bookkeeping: registry and recorder
    private readonly Lock _snapshotGate = new(); // one snapshot (or class walk) at a time; taken before _lock
    private readonly TrackerRegistry _registry;
    private readonly InstanceDiscovery _discovery;
    private readonly SnapshotRecorder _recorder;
    private readonly SnapshotPipeline _pipeline;
    private PeriodicSnapshots? _periodic;

    /// <summary>Creates a tracker with nothing tracked and the default options (Pympler: ClassTracker()).</summary>
    public ClassTracker() : this(ClassTrackerOptions.Default) { }

    /// <summary>Creates a tracker with nothing tracked that sizes and finds instances as <paramref name="options"/> say (Pympler: ClassTracker()).</summary>
    /// <exception cref="ArgumentException">An option is out of range; nothing was started.</exception>
    public ClassTracker(ClassTrackerOptions options)
        : this(TrackerBackends.Measurer(TrackerArguments.CheckOptions(options).Sizing), TrackerBackends.InstanceSource(options.Discovery), TrackerBackends.Traces(), options) { }

    internal ClassTracker(ISnapshotMeasurer measurer, IInstanceSource source, IInstantiationTraces? traces = null, ClassTrackerOptions? options = null)
    {
        Options = options ??= ClassTrackerOptions.Default;
        _recorder = new SnapshotRecorder(options.MaxSnapshots);
        _registry = new TrackerRegistry(_lock, traces);
        Diagnostics = new TrackerDiagnostics(_lock, _registry, _recorder);
        _discovery = new InstanceDiscovery(source, options.YoungWalks, Diagnostics, options.BoundFullWalks);
        _pipeline = new SnapshotPipeline(_snapshotGate, _lock, _registry, _discovery, new SnapshotSizing(measurer), _recorder, Diagnostics, Metrics);
    }

    /// <summary>The options the tracker was made with; fixed for its life.</summary>
    public ClassTrackerOptions Options { get; }

    /// <summary>Snapshots taken so far, oldest first (Pympler: ClassTracker.snapshots).</summary>
    public IReadOnlyList<Snapshot> Snapshots { get { lock (_lock) return _recorder.Snapshots; } }

    /// <summary>How the tracker's snapshots are published to the Heapmon meter (the agent relays them to <c>heapmon monitor</c>).</summary>
    internal TrackerMetrics Metrics { get; } = new();

    /// <summary>What the tracker's own work cost: snapshot phases, walks, failures, bookkeeping bytes (for the benchmark and tests).</summary>
    internal TrackerDiagnostics Diagnostics { get; }

    /// <summary>
    /// Tracks one object: its birth now, its death when observed, its size at every snapshot and,
    /// above level 0, its referent tree (Pympler: track_object). Tracking an object twice does nothing.
    /// </summary>
    /// <param name="obj">The object; a boxed value type is refused (the box would be a copy).</param>
    /// <param name="resolutionLevel">Depth of the referent tree recorded at each snapshot.</param>
    /// <param name="name">A name for reports; default: short type name and id, like <c>Factory#1</c>.</param>
    public void TrackObject(object obj, int resolutionLevel = 0, string? name = null)
    {
        TrackerArguments.CheckObject(obj);
        TrackerArguments.CheckLevel(resolutionLevel);
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            _registry.TrackObject(obj, resolutionLevel, name);
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
    /// With <paramref name="trace"/>, the allocation sampler behind <c>AllocationTracer</c> (tracemalloc) samples the
    /// allocations: it is started if not running, and stopped again when no traced class is left (a tracer started
    /// by the caller is left running). Sites are estimates from samples (about one per 100 KB allocated).
    /// </remarks>
    /// <exception cref="PlatformNotSupportedException">The heap cannot be walked here (not Linux, Native AOT).</exception>
    /// <exception cref="Heap.HeapWalkException">The existing instances could not be told apart: no consistent view of the heap (its reason says why); nothing was tracked.</exception>
    /// <exception cref="InvalidOperationException">With <paramref name="trace"/>, the allocation tracer could not start.</exception>
    public void TrackClass(Type type, int resolutionLevel = 0, bool trace = false, string? name = null, bool includeExisting = false)
    {
        TrackerArguments.CheckClass(type);
        TrackerArguments.CheckLevel(resolutionLevel);
        lock (_snapshotGate)
        {
            // Without includeExisting, the instances alive now are found, to be left out.
            IReadOnlyList<object>? existing = includeExisting ? null : _discovery.Existing(type);
            lock (_lock)
            {
                _registry.ThrowIfDisposed();
                _registry.TrackClass(type, resolutionLevel, trace, name ?? TypeNames.Display(type), existing);
            }
        }
    }

    /// <summary>Tracks every instance of <typeparamref name="T"/> created from now on (Pympler: track_class).</summary>
    /// <inheritdoc cref="TrackClass(Type, int, bool, string?, bool)" path="/param"/>
    public void TrackClass<T>(int resolutionLevel = 0, bool trace = false, string? name = null, bool includeExisting = false)
        => TrackClass(typeof(T), resolutionLevel, trace, name, includeExisting);

    /// <summary>Changes the referent-tree depth of a tracked object from the next snapshot on (Pympler: track_change).</summary>
    /// <exception cref="ArgumentException"><paramref name="obj"/> is not tracked.</exception>
    public void TrackChange(object obj, int resolutionLevel)
    {
        ArgumentNullException.ThrowIfNull(obj);
        TrackerArguments.CheckLevel(resolutionLevel);
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            _registry.ChangeLevel(obj, resolutionLevel);
        }
    }

    /// <summary>Stops sampling one object; what was recorded about it stays. Returns false if it was not tracked.</summary>
    public bool Detach(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            return _registry.Detach(obj);
        }
    }

    /// <summary>
    /// Stops taking on new instances of <paramref name="type"/> (Pympler: detach_class); instances
    /// already found stay tracked. Returns false if the class was not tracked.
    /// </summary>
    public bool DetachClass(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        _registry.Sites.FlushIfTraced();
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            return _registry.DetachClass(type);
        }
    }

    /// <summary>Stops taking on new instances of every tracked class (Pympler: detach_all_classes).</summary>
    public void DetachAllClasses()
    {
        _registry.Sites.FlushIfTraced();
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            _registry.DetachAllClasses();
        }
    }

    /// <summary>Detaches every class and forgets every tracked object (Pympler: detach_all); snapshots stay.</summary>
    public void DetachAll()
    {
        _registry.Sites.FlushIfTraced();
        lock (_snapshotGate)
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            _registry.DetachAll();
            _recorder.ForgetSamples();
        }
    }

    /// <summary>Stops periodic snapshots, forgets every class, object and snapshot (Pympler: clear).</summary>
    public void Clear()
    {
        StopPeriodicSnapshots();
        lock (_snapshotGate)
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            _registry.Clear();
            _recorder.Clear();
            Metrics.Clear();
        }
    }

    /// <summary>
    /// Finds new instances of the tracked classes, sizes every tracked object alive, and records
    /// process memory and GC figures under a label (Pympler: create_snapshot).
    /// </summary>
    /// <param name="description">The snapshot's label, shown in reports.</param>
    /// <param name="computeTotal">Also take a census of the whole managed heap for <see cref="Snapshot.HeapTotal"/>.</param>
    public Snapshot CreateSnapshot(string? description = null, bool computeTotal = false)
        => _pipeline.Take(description, computeTotal, periodic: false);

    /// <summary>A snapshot; <paramref name="periodic"/> as taken by <see cref="StartPeriodicSnapshots"/> (tests take such snapshots by hand).</summary>
    internal Snapshot TakeSnapshot(string? description, bool computeTotal, bool periodic)
        => _pipeline.Take(description, computeTotal, periodic);

    /// <summary>Takes a snapshot every <paramref name="interval"/> on a background thread (Pympler: start_periodic_snapshots).</summary>
    /// <remarks>With nothing tracked, snapshots still record process memory and GC figures: transient memory shows there.</remarks>
    public void StartPeriodicSnapshots(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        StopPeriodicSnapshots();
        lock (_lock)
        {
            _registry.ThrowIfDisposed();
            _periodic = PeriodicSnapshots.Start(_pipeline, Diagnostics, interval);
        }
    }

    /// <summary>Stops periodic snapshots, waiting for one in progress to finish (Pympler: stop_periodic_snapshots).</summary>
    public void StopPeriodicSnapshots()
    {
        PeriodicSnapshots? periodic;
        lock (_lock) (periodic, _periodic) = (_periodic, null);
        periodic?.Stop(); // outside the lock: the snapshot in progress takes it
    }

    /// <summary>
    /// Everything recorded so far as plain data: snapshots, tracked classes and every tracked object
    /// with its lifetime and size series, and traced classes' instantiation sites as sampled so far (what Pympler's Stats reads from a tracker). Keeps nothing alive.
    /// </summary>
    public TrackerData ToData()
    {
        _registry.Sites.FlushIfTraced();
        lock (_lock)
        {
            _registry.Sites.Refresh();
            return _recorder.ToData(_registry);
        }
    }

    /// <summary>
    /// Stops periodic snapshots, releases every weak handle and the allocation tracer if it started it, and
    /// leaves the <see cref="HeapmonMeter"/>; recorded data stays readable through <see cref="ToData"/>.
    /// </summary>
    public void Dispose()
    {
        StopPeriodicSnapshots();
        Metrics.Dispose();
        _registry.Sites.FlushIfTraced();
        lock (_snapshotGate)
        lock (_lock)
            _registry.Dispose();
    }
}
