using System.Reflection;
using System.Runtime.Loader;

namespace Heapmon.Sizing;

/// <summary>
/// Which edges a deep size follows and which objects it counts (Pympler: the options of asizeof);
/// immutable — start from a preset and adjust with <c>with { ... }</c>.
/// </summary>
/// <remarks>
/// The object passed in as the root is always counted and traversed; the rules below apply to the
/// objects reached from it. A stopped object is neither counted nor traversed, like an excluded one.
/// </remarks>
public sealed record SizingOptions
{
    /// <summary>
    /// Runtime infrastructure that an object refers to but does not own: reflection objects
    /// (<see cref="MemberInfo"/>, which includes <see cref="Type"/>), assemblies, modules, load contexts,
    /// synchronization and execution contexts, task schedulers and threads.
    /// </summary>
    public static IReadOnlyList<Type> RuntimeInfrastructure { get; } =
    [
        typeof(MemberInfo), typeof(ParameterInfo), typeof(Assembly), typeof(Module), typeof(AssemblyLoadContext),
        typeof(SynchronizationContext), typeof(ExecutionContext), typeof(TaskScheduler), typeof(Thread),
    ];

    /// <summary>
    /// The default: what the object owns. Stops at <see cref="RuntimeInfrastructure"/>, follows delegate
    /// targets only into compiler-generated closures, does not count frozen objects (string literals, type objects).
    /// </summary>
    public static SizingOptions Default { get; } = new();

    /// <summary>Everything the GC would find reachable from the root: no stop types, every delegate target, frozen objects counted.</summary>
    public static SizingOptions Reachable { get; } = new()
    {
        StopAtTypes = [],
        DelegateTargets = DelegateTargets.All,
        CountFrozen = true,
    };

    /// <summary>Types whose instances (including subclasses and implementers) are neither counted nor traversed.</summary>
    public IReadOnlyList<Type> StopAtTypes { get; init; } = RuntimeInfrastructure;

    /// <summary>Objects for which this returns true are neither counted nor traversed; called once per reached object, so it slows the walk.</summary>
    public Func<object, bool>? StopWhen { get; init; }

    /// <summary>Which delegate targets (<c>Delegate.Target</c>) are followed; the delegate itself is always counted.</summary>
    public DelegateTargets DelegateTargets { get; init; } = DelegateTargets.Closures;

    /// <summary>
    /// Whether objects in the runtime's frozen segments (string literals, <see cref="Type"/> objects) are counted;
    /// they live outside the GC heap for the whole process and are shared, so by default they count 0 bytes.
    /// </summary>
    public bool CountFrozen { get; init; }

    /// <summary>Whether strings interned at run time with <see cref="string.Intern(string)"/> are counted (checking costs a lookup per string).</summary>
    public bool CountInternedStrings { get; init; } = true;

    internal void Validate()
    {
        foreach (Type? type in StopAtTypes)
            if (type is null)
                throw new ArgumentException("SizingOptions.StopAtTypes contains null; list only the types to stop at.", nameof(StopAtTypes));
        if (!Enum.IsDefined(DelegateTargets))
            throw new ArgumentException($"SizingOptions.DelegateTargets is {(int)DelegateTargets}, which is not a DelegateTargets value.", nameof(DelegateTargets));
    }
}

/// <summary>Which objects a delegate's target reference leads the walk into.</summary>
public enum DelegateTargets
{
    /// <summary>Never follow a delegate's target: an event handler's subscriber is not owned by the publisher.</summary>
    None,

    /// <summary>Follow the target only when it is a compiler-generated closure holding a lambda's captured variables.</summary>
    Closures,

    /// <summary>Follow every target.</summary>
    All,
}
