using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Heapmon.StartupHook.Session;

/// <summary>
/// Finds the types named by <c>--track</c> patterns in every assembly the program loads, including
/// assemblies loaded after start. Loads are only queued when they happen (an AssemblyLoad handler
/// must not load more assemblies, which reading types does); the queue is matched before each snapshot.
/// </summary>
internal sealed class TypeWatcher : IDisposable
{
    private readonly IReadOnlyList<TypePattern> _patterns;
    private readonly ConcurrentQueue<Assembly> _pending = new();
    private readonly HashSet<Assembly> _seen = [];
    private readonly int[] _matchCounts;
    private readonly string?[] _valueTypes;
    private readonly List<Type> _matched = [];
    private static readonly AssemblyLoadContext? s_ownContext = AssemblyLoadContext.GetLoadContext(typeof(TypeWatcher).Assembly);
    private AssemblyLoadEventHandler? _onLoad;

    public TypeWatcher(IReadOnlyList<TypePattern> patterns)
    {
        _patterns = patterns;
        _matchCounts = new int[patterns.Count];
        _valueTypes = new string?[patterns.Count];
    }

    /// <summary>Assemblies examined so far.</summary>
    public int AssemblyCount => _seen.Count;

    /// <summary>Starts watching loads, and queues the assemblies already loaded.</summary>
    public void Start()
    {
        if (_patterns.Count == 0) return;
        _onLoad = (_, e) => _pending.Enqueue(e.LoadedAssembly);
        AppDomain.CurrentDomain.AssemblyLoad += _onLoad;
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies()) _pending.Enqueue(assembly);
    }

    /// <summary>Matches the assemblies loaded since the last call; returns the newly matched types, each with the first pattern that named it.</summary>
    public IReadOnlyList<(Type Type, TypePattern Pattern)> TakeNewMatches()
    {
        var matches = new List<(Type, TypePattern)>();
        while (_pending.TryDequeue(out Assembly? assembly))
        {
            if (!_seen.Add(assembly) || !IsProgramAssembly(assembly)) continue;
            foreach (Type type in TypesOf(assembly))
                for (int i = 0; i < _patterns.Count; i++)
                {
                    if (!_patterns[i].Matches(type)) continue;
                    // An array pattern names the element type; arrays are made, not found among the assembly's types.
                    Type? tracked = _patterns[i].Ranks.Count > 0 ? _patterns[i].ArrayOf(type) : type;
                    if (tracked is null) continue;
                    if (!TypePattern.IsTrackable(tracked))
                    {
                        if (tracked.IsValueType) _valueTypes[i] ??= tracked.FullName;
                        continue;
                    }
                    _matchCounts[i]++;
                    matches.Add((tracked, _patterns[i]));
                    _matched.Add(tracked);
                    break;
                }
        }
        return matches;
    }

    /// <summary>Every type matched so far, in the order found.</summary>
    public IReadOnlyList<Type> Matched => _matched;

    /// <summary>The patterns that have matched no type so far, each with a value type it named, if any (which cannot be tracked).</summary>
    public IEnumerable<(TypePattern Pattern, string? ValueType)> Unmatched() =>
        _patterns.Select((p, i) => (p, i)).Where(x => _matchCounts[x.i] == 0).Select(x => (x.p, _valueTypes[x.i]));

    /// <summary>Whether <paramref name="assembly"/> is the program's: not Heapmon's own, not dynamic, not collectible.</summary>
    internal static bool IsProgramAssembly(Assembly assembly)
    {
        // Heapmon's own assemblies (the session's context and the bootstrap) are not the program.
        if (assembly.IsDynamic || assembly.GetName().Name == "Heapmon.StartupHook") return false;
        AssemblyLoadContext? context = AssemblyLoadContext.GetLoadContext(assembly);
        // Tracking a type holds it: a collectible (unloadable) assembly would never unload.
        return context != s_ownContext && context is not { IsCollectible: true };
    }

    /// <summary>The types of <paramref name="assembly"/> that can be loaded.</summary>
    internal static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or NotSupportedException) { return []; }
    }

    /// <summary>Stops watching loads: an agent that detaches leaves no handler behind.</summary>
    public void Dispose()
    {
        if (_onLoad is not null) AppDomain.CurrentDomain.AssemblyLoad -= _onLoad;
        _onLoad = null;
        _pending.Clear();
    }
}
