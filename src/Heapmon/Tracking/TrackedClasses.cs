using Heapmon.Model;

namespace Heapmon.Tracking;

/// <summary>A class announced with TrackClass and its parameters (Pympler: the patched constructor's arguments).</summary>
internal sealed class TrackedClass(Type type, string name, int level, bool trace, Heapmon.Sampling.SampleMark since = default)
{
    public Type Type { get; } = type;
    public string Name { get; } = name;
    public int Level { get; } = level;
    public bool Trace { get; } = trace;
    /// <summary>Where this class's instantiation traces begin in the allocation tracer's samples.</summary>
    public Heapmon.Sampling.SampleMark Since { get; } = since;
    /// <summary>Instantiation sites as last computed; kept when the class is detached or the tracer stops.</summary>
    public IReadOnlyList<InstantiationSite> Sites { get; set; } = [];
    /// <summary>False once detached: no new instances are taken on, the ones found stay tracked.</summary>
    public bool Active { get; set; } = true;
}

/// <summary>
/// Tracked classes in announcement order, the rule that picks the most specialised one for an
/// instance, and the table of labels (report class name + short type name) that slots point into.
/// </summary>
internal sealed class TrackedClasses
{
    private readonly List<TrackedClass> _classes = [];
    private readonly Dictionary<Type, (TrackedClass? Class, int Label)> _bestFor = [];
    private readonly List<(string ClassName, string ShortName)> _labels = [];
    private readonly Dictionary<(string, string), int> _labelIndex = [];
    private readonly Dictionary<Type, int> _individualLabels = [];
    private Type[]? _activeTypes;

    public IReadOnlyList<TrackedClass> All => _classes;

    public IEnumerable<TrackedClass> Active => _classes.Where(c => c.Active);

    /// <summary>Changes whenever a class is added, replaced, detached or cleared.</summary>
    public int Version { get; private set; }

    /// <summary>The types of the active classes, in announcement order; kept until the classes change (read at every snapshot).</summary>
    public Type[] ActiveTypes => _activeTypes ??= [.. Active.Select(c => c.Type)];

    public bool AnyActive => _classes.Exists(c => c.Active);

    public bool AnyActiveTraced => _classes.Exists(c => c.Active && c.Trace);

    /// <summary>The active class of <paramref name="type"/> itself, if tracked.</summary>
    public TrackedClass? ActiveOf(Type type) => _classes.Find(c => c.Type == type && c.Active);

    /// <summary>Adds or replaces (a second TrackClass of the same type takes the new parameters).</summary>
    public void Add(TrackedClass tracked)
    {
        int existing = _classes.FindIndex(c => c.Type == tracked.Type);
        if (existing >= 0) _classes[existing] = tracked;
        else _classes.Add(tracked);
        Changed();
    }

    public bool Deactivate(Type type)
    {
        TrackedClass? tracked = _classes.Find(c => c.Type == type && c.Active);
        if (tracked is null) return false;
        tracked.Active = false;
        Changed();
        return true;
    }

    public void DeactivateAll()
    {
        foreach (TrackedClass c in _classes) c.Active = false;
        Changed();
    }

    public void Clear()
    {
        _classes.Clear();
        Changed();
    }

    private void Changed()
    {
        _bestFor.Clear();
        _activeTypes = null;
        Version++;
    }

    /// <summary>The active tracked class whose parameters apply to an instance of <paramref name="runtimeType"/>: the most specialised match.</summary>
    public TrackedClass? BestFor(Type runtimeType) => BestWithLabel(runtimeType).Class;

    /// <summary>
    /// <see cref="BestFor"/> and the label an instance of <paramref name="runtimeType"/> takes under it, found
    /// once per type: a class walk registers thousands of instances of a handful of types.
    /// </summary>
    public (TrackedClass? Class, int Label) BestWithLabel(Type runtimeType)
    {
        if (_bestFor.TryGetValue(runtimeType, out (TrackedClass? Class, int Label) cached)) return cached;
        TrackedClass? best = null;
        int bestDepth = -1;
        foreach (TrackedClass c in _classes)
        {
            if (!c.Active) continue;
            int depth = MatchDepth(c.Type, runtimeType);
            if (depth > bestDepth)
            {
                best = c;
                bestDepth = depth;
            }
        }
        cached = (best, best is null ? -1 : Label(best.Name, runtimeType));
        _bestFor[runtimeType] = cached;
        return cached;
    }

    /// <summary>The label for an object of <paramref name="runtimeType"/> reported under <paramref name="className"/>.</summary>
    public int Label(string className, Type runtimeType)
    {
        var key = (className, TypeNames.Short(runtimeType));
        if (_labelIndex.TryGetValue(key, out int label)) return label;
        label = _labels.Count;
        _labels.Add(key);
        _labelIndex[key] = label;
        return label;
    }

    /// <summary>
    /// The label of an individually tracked object of <paramref name="runtimeType"/> (reported under its own
    /// type's name), found once per type: formatting the short type name for each tracked object made
    /// TrackObject allocate 203 B instead of 51 B (100,000 StringBuilders). Class walks get theirs, once per
    /// type too, from <see cref="BestWithLabel"/>.
    /// </summary>
    public int IndividualLabel(Type runtimeType)
    {
        if (_individualLabels.TryGetValue(runtimeType, out int label)) return label;
        label = Label(TypeNames.Display(runtimeType), runtimeType);
        _individualLabels[runtimeType] = label;
        return label;
    }

    public int LabelCount => _labels.Count;

    public string ClassName(int label) => _labels[label].ClassName;

    public string ShortName(int label) => _labels[label].ShortName;

    /// <summary>
    /// How specialised <paramref name="tracked"/> is as a match for <paramref name="runtimeType"/>:
    /// the depth of the matching class in the inheritance chain (deeper is more specialised),
    /// 0 for an interface, -1 for no match. Open generics match every instantiation.
    /// </summary>
    internal static int MatchDepth(Type tracked, Type runtimeType)
    {
        if (tracked.IsInterface)
        {
            if (tracked.IsGenericTypeDefinition)
                return runtimeType.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == tracked) ? 0 : -1;
            return tracked.IsAssignableFrom(runtimeType) ? 0 : -1;
        }
        for (Type? t = runtimeType; t is not null; t = t.BaseType)
        {
            bool match = t == tracked || (tracked.IsGenericTypeDefinition && t.IsGenericType && t.GetGenericTypeDefinition() == tracked);
            if (match) return Depth(t);
        }
        return -1;
    }

    private static int Depth(Type type)
    {
        int depth = 1;
        for (Type? t = type.BaseType; t is not null; t = t.BaseType) depth++;
        return depth;
    }
}
