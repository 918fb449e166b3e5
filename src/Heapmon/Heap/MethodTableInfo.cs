using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>What a walk needs of one MethodTable: sizes from the MethodTable itself (docs/sizing.md), a name, a type.</summary>
internal sealed class MethodTableInfo
{
    private MethodTableInfo(ulong methodTable, uint baseSize, uint componentSize, string name, bool isFree)
    {
        MethodTable = methodTable;
        BaseSize = baseSize;
        ComponentSize = componentSize;
        Name = name;
        IsFree = isFree;
    }

    public ulong MethodTable { get; }
    public uint BaseSize { get; }
    public uint ComponentSize { get; }
    public string Name { get; }
    public bool IsFree { get; }

    /// <summary>
    /// The runtime type of this MethodTable; null for free space. Safe only because ClrMD validated
    /// the pointer as a MethodTable before this object was made. Not cached: this process-wide cache
    /// must not hold types (it would keep collectible assemblies loaded).
    /// </summary>
    public Type? ResolveType() => IsFree ? null : System.Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr((nint)MethodTable));

    /// <summary>Reads and validates <paramref name="methodTable"/>; null when ClrMD does not know it as a type.</summary>
    public static unsafe MethodTableInfo? TryCreate(ClrRuntime runtime, ulong methodTable)
    {
        // Checked by us first: a word that is no MethodTable can crash the DAC (MethodTableCheck).
        if (methodTable != runtime.Heap.FreeType.MethodTable && !MethodTableCheck.PassesCanonicalTest(methodTable)) return null;
        ClrType? clrType = runtime.GetTypeByMethodTable(methodTable);
        if (clrType is null) return null;
        // flags (bit 31: has a component size in the low 16 bits), then the base size.
        ulong header = 0;
        if (SelfDataReader.ReadSelf(methodTable, new Span<byte>(&header, 8)) != 8) return null;
        uint flags = (uint)header;
        uint baseSize = (uint)(header >> 32);
        uint componentSize = (flags & 0x8000_0000u) != 0 ? flags & 0xFFFF : 0;
        // Strings have a base size of 22 (rounded up per object); anything under two words is not a MethodTable.
        if (baseSize < 2 * (uint)IntPtr.Size) return null;
        bool isFree = clrType.IsFree;
        return new MethodTableInfo(methodTable, baseSize, componentSize, isFree ? "Free" : clrType.Name ?? $"<unknown type {methodTable:x}>", isFree);
    }
}

/// <summary>
/// MethodTables seen by any walk, kept for the process's life (a dictionary lookup per object is
/// far cheaper than asking ClrMD). Use only under <see cref="HeapWalkLock"/>.
/// </summary>
internal static class MethodTableCache
{
    private static readonly Dictionary<ulong, MethodTableInfo> s_known = new(4096);

    /// <summary>The info for <paramref name="methodTable"/>, or null if it is not a valid MethodTable.</summary>
    public static MethodTableInfo? Get(ClrRuntime runtime, ulong methodTable)
    {
        if (s_known.TryGetValue(methodTable, out MethodTableInfo? info)) return info;
        info = MethodTableInfo.TryCreate(runtime, methodTable);
        if (info is not null) s_known[methodTable] = info;
        return info;
    }
}
