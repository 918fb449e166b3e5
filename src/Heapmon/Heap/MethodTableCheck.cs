namespace Heapmon.Heap;

/// <summary>
/// The runtime's own test of a MethodTable, read with process_vm_readv (which never faults), so that a word
/// that is no MethodTable never reaches ClrMD. Asked about such a word, the DAC runs this test through raw
/// pointers, and a pointer that reads as -1 (a value it hands back unread) is dereferenced in our own
/// process: measured, a SIGSEGV in libmscordaccore killed about one process in eight under the torture
/// test (other threads calling GC.Collect() move objects under a walk), and a crafted word reproduces it.
/// </summary>
internal static class MethodTableCheck
{
    // .NET 10, 64-bit (read from the DAC's own validation code): MethodTable::m_pEEClassOrCanonMT, low bit
    // set for a canonical MethodTable pointer; EEClass::m_pMethodTable.
    private const ulong ClassOrCanonicalOffset = 0x28;
    private const ulong ClassMethodTableOffset = 0x10;

    /// <summary>
    /// Whether <paramref name="methodTable"/> passes the canonical test every MethodTable of an object passes:
    /// its class's MethodTable is itself, or (generic instantiations, arrays) has the same class.
    /// The free-space MethodTable does not, and is known apart.
    /// </summary>
    public static bool PassesCanonicalTest(ulong methodTable)
    {
        ulong eeClass = ClassOf(methodTable);
        if (!IsPointer(eeClass) || !TryReadPointer(eeClass + ClassMethodTableOffset, out ulong classMethodTable)) return false;
        return classMethodTable == methodTable || IsPointer(classMethodTable) && ClassOf(classMethodTable) == eeClass;
    }

    /// <summary>The class of a MethodTable, through its canonical MethodTable when it has one; 0 when unreadable.</summary>
    private static ulong ClassOf(ulong methodTable)
    {
        if (!TryReadPointer(methodTable + ClassOrCanonicalOffset, out ulong value)) return 0;
        if ((value & 1) == 0) return value;
        return TryReadPointer((value & ~1UL) + ClassOrCanonicalOffset, out ulong canonicalClass) && (canonicalClass & 1) == 0 ? canonicalClass : 0;
    }

    private static bool IsPointer(ulong value) => value != 0 && value != ulong.MaxValue && (value & 7) == 0;

    private static unsafe bool TryReadPointer(ulong address, out ulong value)
    {
        ulong read = 0;
        bool ok = address < ulong.MaxValue - 8 && SelfDataReader.ReadSelf(address, new Span<byte>(&read, 8)) == 8;
        value = read;
        return ok;
    }
}
