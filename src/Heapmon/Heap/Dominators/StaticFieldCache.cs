using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// What the static-field roots of our own process's modules that never unload (not collectible, not dynamic) keep
/// from one walk to the next, so ClrMD need not rebuild every type with statics each time (its types are flushed
/// between walks): per MethodTable, nothing to report (no static fields), or the slots and labels of its reference
/// statics once all of them are allocated. Such a type and its statics storage (a pinned array) live as long as the
/// process. Types with thread statics or statics not yet allocated are read afresh each walk. Use under <see cref="HeapWalkLock"/>.
/// </summary>
internal static class StaticFieldCache
{
    private static readonly Dictionary<ulong, (ulong Slot, string Label)[]?> s_types = [];
    private static readonly HashSet<ulong> s_modules = [];

    /// <summary>MethodTables whose statics are kept (as none, or as slots).</summary>
    public static int TypesKept => s_types.Count;

    /// <summary>
    /// The loader allocator of System.Private.CoreLib, which never unloads (shared by every module that never does), when
    /// <paramref name="runtime"/> is our own live process read under the walk lock; else 0: nothing is cached.
    /// </summary>
    public static ulong PermanentAllocator(ClrRuntime runtime) =>
        runtime.DataTarget.DataReader is SelfDataReader && HeapWalkLock.IsHeldByCurrentThread ? runtime.BaseClassLibrary.LoaderAllocator : 0;

    /// <summary>Whether <paramref name="module"/>'s types may be cached: a module that never unloads, of our own process.</summary>
    public static bool Applies(ClrModule module, ulong permanentAllocator) =>
        permanentAllocator != 0 && module.LoaderAllocator == permanentAllocator && !module.IsDynamic;

    /// <summary>
    /// The types of a cacheable <paramref name="module"/> to read statics from: on its first walk all that ClrMD lists
    /// (types it lists not are remembered as having none); later, its types not cached, the cached ones' slots added to <paramref name="slots"/>.
    /// </summary>
    public static IEnumerable<ClrType> TypesToRead(ClrRuntime runtime, ClrModule module, bool own, Dictionary<ulong, (string, bool)> slots)
    {
        if (s_modules.Add(module.Address))
        {
            // The map before the listing: a type loaded in between is not taken as having no statics.
            (ulong MethodTable, int Token)[] map = [.. module.EnumerateTypeDefToMethodTableMap()];
            var listed = new HashSet<ulong>();
            foreach (ClrType type in module.EnumerateTypesWithStaticFields())
            {
                listed.Add(type.MethodTable);
                yield return type;
            }
            foreach ((ulong methodTable, _) in map)
                if (methodTable != 0 && !listed.Contains(methodTable)) s_types.TryAdd(methodTable, null);
            yield break;
        }
        foreach ((ulong methodTable, _) in module.EnumerateTypeDefToMethodTableMap())
        {
            if (methodTable == 0) continue;
            if (s_types.TryGetValue(methodTable, out var known))
            {
                foreach ((ulong slot, string label) in known ?? []) slots.TryAdd(slot, (label, own));
                continue;
            }
            ClrType? type = runtime.Heap.GetTypeByMethodTable(methodTable);
            if (type is null) continue;
            if (type.StaticFields.Length == 0 && type.ThreadStaticFields.Length == 0)
            {
                s_types.TryAdd(methodTable, null);
                continue;
            }
            yield return type;
        }
    }

    /// <summary>Keeps a type's reference statics when all were allocated and it has no reference thread statics.</summary>
    public static void Keep(ClrType type, List<(ulong Slot, string Label)> statics, bool complete)
    {
        if (complete) s_types[type.MethodTable] = statics.Count == 0 ? null : [.. statics];
    }
}
