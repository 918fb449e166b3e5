using System.Runtime.CompilerServices;
using Heapmon.Sampling;

namespace Heapmon.Tracking;

/// <summary>
/// The tracker's registration: which objects and classes are tracked, under which names and levels,
/// and which instances a class walk found. Holds every object weakly (<see cref="TrackedSlots"/>).
/// </summary>
/// <remarks>Every member is called under the tracker's lock.</remarks>
internal sealed class TrackerRegistry : IDisposable
{
    private readonly TrackedSlots _slots = new();
    private readonly TrackedClasses _classes = new();
    private readonly Dictionary<int, string> _names = [];
    private readonly ClassSites _sites;
    private bool _disposed;

    /// <param name="trackerLock">The tracker's bookkeeping lock (the sites take it to decide whether to wait for the tracer).</param>
    /// <param name="traces">Where traced classes' instantiation sites come from; null records none.</param>
    public TrackerRegistry(Lock trackerLock, IInstantiationTraces? traces) => _sites = new ClassSites(trackerLock, _classes, traces);

    public TrackedSlots Slots => _slots;

    public TrackedClasses Classes => _classes;

    public ClassSites Sites => _sites;

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, typeof(ClassTracker));

    /// <summary>Tracks one object from now on; an instance remembered only to be left out becomes an individually tracked one.</summary>
    public void TrackObject(object obj, int level, string? name)
    {
        int slot = _slots.Find(obj);
        if (slot >= 0)
        {
            if ((_slots.Flags(slot) & SlotFlags.Ignored) == 0) return; // tracking twice does nothing
            _slots.Release(slot);
        }
        int label = _classes.IndividualLabel(obj.GetType());
        slot = _slots.Add(obj, DateTime.UtcNow.Ticks, label, level, SlotFlags.Individual);
        if (name is not null) _names[slot] = name;
    }

    /// <summary>
    /// Tracks a class (or replaces its parameters), and remembers <paramref name="existing"/> instances,
    /// when given, only to leave them out of every snapshot.
    /// </summary>
    public void TrackClass(Type type, int level, bool trace, string name, IReadOnlyList<object>? existing)
    {
        TrackedClass? previous = _classes.ActiveOf(type);
        SampleMark since = trace ? _sites.Begin(previous) : default;
        _classes.Add(new TrackedClass(type, name, level, trace, since)
        {
            Sites = previous is { Trace: true } && trace ? previous.Sites : [],
        });
        if (!trace) _sites.ReleaseIfUnused();
        if (existing is null) return;
        int label = _classes.Label(name, type);
        foreach (object instance in existing)
            if (_slots.Find(instance) < 0) _slots.Add(instance, 0, label, 0, SlotFlags.Ignored);
    }

    /// <summary>Changes a tracked object's referent depth.</summary>
    /// <exception cref="ArgumentException"><paramref name="obj"/> is not tracked.</exception>
    public void ChangeLevel(object obj, int level)
    {
        int slot = _slots.Find(obj);
        if (slot < 0 || (_slots.Flags(slot) & (SlotFlags.Ignored | SlotFlags.Detached)) != 0)
            throw new ArgumentException($"The {TypeNames.Display(obj.GetType())} is not tracked; track it first with TrackObject.", nameof(obj));
        _slots.SetLevel(slot, level);
    }

    /// <summary>Stops sampling one object, keeping its history; false when it was not tracked.</summary>
    public bool Detach(object obj)
    {
        int slot = _slots.Find(obj);
        if (slot < 0 || (_slots.Flags(slot) & SlotFlags.Ignored) != 0) return false;
        _slots.SetFlags(slot, _slots.Flags(slot) | SlotFlags.Detached);
        _slots.Release(slot);
        return true;
    }

    /// <summary>Stops taking on new instances of one class; false when it was not tracked.</summary>
    public bool DetachClass(Type type)
    {
        // Sites are frozen as they are now: the attribution to the other classes changes with this one gone.
        _sites.Refresh();
        if (!_classes.Deactivate(type)) return false;
        _sites.ReleaseIfUnused();
        return true;
    }

    public void DetachAllClasses()
    {
        _sites.Refresh();
        _classes.DeactivateAll();
        _sites.ReleaseIfUnused();
    }

    /// <summary>Detaches every class and forgets every object (the classes stay listed, detached).</summary>
    public void DetachAll()
    {
        DetachAllClasses();
        _slots.Reset();
        _names.Clear();
    }

    /// <summary>Forgets every class and object.</summary>
    public void Clear()
    {
        _classes.Clear();
        _sites.ReleaseIfUnused();
        _slots.Reset();
        _names.Clear();
    }

    /// <summary>Takes on instances found by the walk that are not tracked yet; each under its most specialised tracked class.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public void Register(IReadOnlyList<object> found, long firstSeenTicks)
    {
        foreach (object instance in found)
        {
            if (_slots.Find(instance) >= 0) continue;
            (TrackedClass? tracked, int label) = _classes.BestWithLabel(instance.GetType());
            if (tracked is null) continue; // detached while the walk ran
            // No per-object trace: the walk runs after a GC, which has moved the objects away from their sampled addresses.
            _slots.Add(instance, firstSeenTicks, label, tracked.Level, SlotFlags.None);
        }
    }

    /// <summary>The name an object is reported under: the one it was tracked with, or its short type name and id, like <c>Factory#1</c>.</summary>
    public string NameOf(int slot) => _names.GetValueOrDefault(slot) ?? $"{_classes.ShortName(_slots.Label(slot))}#{slot + 1}";

    /// <summary>Releases every weak handle and the tracer; the last sites stay readable.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _sites.Close();
        _disposed = true;
        _slots.Dispose();
    }
}
