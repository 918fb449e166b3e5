using System.Runtime.Loader;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// Heapmon's own objects in a program it profiles (<c>heapmon run</c>, <c>--pid</c>), so a census counts them apart as the
/// profiler's: instances of the types of the assemblies the agent loaded beside Heapmon in its own load context (Heapmon,
/// its agent and channel, ClrMD and what they bring), of the startup hook, and of arrays and generics over those types;
/// and what those objects hold of the framework's and the agent's (never an object of the program's own types, nor the
/// runtime's shared objects, a <c>Type</c>, an assembly, a thread: the program reaches those too).
/// </summary>
internal sealed class ProfilerObjects
{
    private static readonly string s_frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "/";
    private readonly AssemblyLoadContext? _agentContext;
    private readonly HashSet<ulong> _held = [];

    private ProfilerObjects(AssemblyLoadContext? agentContext) => _agentContext = agentContext;

    /// <summary>The profiler's objects when Heapmon runs as an agent in its own load context; null when the program itself uses the library.</summary>
    public static ProfilerObjects? OfThisAgent()
    {
        AssemblyLoadContext? context = AssemblyLoadContext.GetLoadContext(typeof(ProfilerObjects).Assembly);
        return context is null || context == AssemblyLoadContext.Default ? null : new ProfilerObjects(context);
    }

    /// <summary>Whether objects of this MethodTable are the profiler's by their type.</summary>
    public bool IsOwnType(MethodTableInfo info) => !info.IsFree && info.ResolveType() is { } type && IsOwn(type);

    /// <summary>Whether the object at <paramref name="address"/> is held by the profiler's objects (after <see cref="FollowFrom"/>).</summary>
    public bool IsHeld(ulong address) => _held.Contains(address);

    /// <summary>Finds what the profiler's objects at <paramref name="roots"/> hold through strings, arrays and collections.</summary>
    public void FollowFrom(ClrHeap heap, IEnumerable<ulong> roots)
    {
        _held.Clear();
        var pending = new Stack<ulong>(roots);
        while (pending.Count > 0)
        {
            ClrObject from = heap.GetObject(pending.Pop());
            if (from.Type is null) continue;
            foreach (ClrObject to in from.EnumerateReferences(carefully: true))
            {
                if (to.IsNull || to.Type is not { } type || IsOwnTypeName(type) || !Followed(type) || !_held.Add(to.Address)) continue;
                pending.Push(to.Address);
            }
        }
    }

    private bool IsOwn(Type type)
    {
        if (type.HasElementType) return IsOwn(type.GetElementType()!);
        if (type.IsGenericType && Array.Exists(type.GetGenericArguments(), IsOwn)) return true;
        AssemblyLoadContext? context = AssemblyLoadContext.GetLoadContext(type.Assembly);
        return context == _agentContext || type.Assembly.GetName().Name == "Heapmon.StartupHook";
    }

    // The profiler's own objects are the walk's roots already: not followed twice.
    private static bool IsOwnTypeName(ClrType type) => type.Module?.Name is { } module && Path.GetFileNameWithoutExtension(module) is
        "Heapmon" or "Heapmon.Channel" or "Heapmon.StartupHook" or "Heapmon.StartupHook.Session" or "Microsoft.Diagnostics.Runtime"
        or "Microsoft.Diagnostics.NETCore.Client" or "Microsoft.Diagnostics.Tracing.TraceEvent" or "Microsoft.Diagnostics.FastSerialization" or "Azure.Core";

    // Followed: anything of the framework's (the agent's own are roots already), but never into the program's types, nor through the runtime's
    // shared objects (types, assemblies, threads, event sources), which the program reaches too.
    private static bool Followed(ClrType type)
    {
        if (type.IsString || type.IsArray) return true;
        string name = type.Name ?? "";
        if (name is "System.RuntimeType" or "System.Reflection.RuntimeAssembly" or "System.Reflection.RuntimeModule" or "System.Threading.Thread"
            or "System.AppDomain" || name.StartsWith("System.Runtime.Loader.", StringComparison.Ordinal)
            || name.StartsWith("System.Diagnostics.Tracing.", StringComparison.Ordinal)) return false;
        string? module = type.Module?.Name;
        return module is not null && module.StartsWith(s_frameworkDirectory, StringComparison.Ordinal);
    }
}
