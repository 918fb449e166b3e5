using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Sizing;

/// <summary>The edge rules of a <c>SizingOptions</c>, restated over ClrMD's view of the heap (not Heapmon's code).</summary>
internal sealed record EdgeRules(bool StopAtInfrastructure, bool FollowAllTargets, bool FollowClosureTargets, bool CountFrozen)
{
    public static EdgeRules Default { get; } = new(true, false, true, false);
    public static EdgeRules Reachable { get; } = new(false, true, true, true);
}

/// <summary>Deep sizes by ClrMD: walk <c>EnumerateReferencesWithFields</c> from a root with the same edge rules.</summary>
internal static class ReachabilityOracle
{
    private static readonly HashSet<string> s_infrastructure =
    [
        "System.Reflection.MemberInfo", "System.Reflection.ParameterInfo", "System.Reflection.Assembly",
        "System.Reflection.Module", "System.Runtime.Loader.AssemblyLoadContext", "System.Threading.SynchronizationContext",
        "System.Threading.ExecutionContext", "System.Threading.Tasks.TaskScheduler", "System.Threading.Thread",
    ];

    public static nint AddressOf(object obj) => Unsafe.As<object, nint>(ref obj);

    /// <summary>Only inside a NoGC region, for an address of a live object.</summary>
    public static object ObjectAt(ulong address)
    {
        nint a = (nint)address;
        return Unsafe.As<nint, object>(ref a);
    }

    /// <summary>
    /// Address → ClrMD size rounded up to 8, for the root and every object reachable from it under <paramref name="rules"/>,
    /// neither counting nor traversing the objects in <paramref name="stops"/>.
    /// </summary>
    public static Dictionary<ulong, ulong> Reachable(ClrMdOracle oracle, ulong root, EdgeRules rules, IReadOnlySet<ulong>? stops = null)
    {
        ClrHeap heap = oracle.Heap;
        var found = new Dictionary<ulong, ulong> { [root] = oracle.AlignedSize(root) };
        var pending = new Stack<ulong>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            ClrObject obj = heap.GetObject(pending.Pop());
            foreach (ClrReference reference in obj.EnumerateReferencesWithFields(carefully: false, considerDependantHandles: false))
            {
                ClrObject target = reference.Object;
                if (target.Address == 0 || found.ContainsKey(target.Address) || stops?.Contains(target.Address) == true) continue;
                if (obj.IsDelegate && reference.Field?.Name == "_target" && !FollowTarget(target, rules)) continue;
                if (rules.StopAtInfrastructure && IsInfrastructure(target.Type)) continue;
                if (!rules.CountFrozen && heap.GetSegmentByAddress(target.Address)?.Kind == GCSegmentKind.Frozen) continue;
                found.Add(target.Address, oracle.AlignedSize(target.Address));
                pending.Push(target.Address);
            }
        }
        return found;
    }

    private static bool FollowTarget(ClrObject target, EdgeRules rules) =>
        rules.FollowAllTargets || (rules.FollowClosureTargets && target.Type?.Name?.Contains("<>c", StringComparison.Ordinal) == true);

    private static bool IsInfrastructure(ClrType? type)
    {
        for (ClrType? t = type; t is not null; t = t.BaseType)
            if (t.Name is { } name && s_infrastructure.Contains(name)) return true;
        return false;
    }
}
