using System.Runtime.CompilerServices;

namespace Heapmon.Sizing;

/// <summary>
/// Reads an object's MethodTable and data in place (docs/sizing.md). Every access goes through
/// an object reference or an interior byref, which the GC tracks, so nothing needs pinning.
/// </summary>
internal static class ObjectLayout
{
    /// <summary>MethodTable flag: the type has a per-instance component size (arrays, strings).</summary>
    public const uint HasComponentSize = 0x80000000;

    /// <summary>MethodTable flag: instances hold GC references, described by the GC descriptor before the MethodTable.</summary>
    public const uint ContainsGCPointers = 0x01000000;

    private sealed class RawData
    {
        public byte Data;
    }

    /// <summary>The first byte after the MethodTable pointer: fields of an object, the length of an array or string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte Data(object obj) => ref Unsafe.As<RawData>(obj).Data;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint MethodTable(object obj) => Unsafe.Add(ref Unsafe.As<byte, nint>(ref Data(obj)), -1);

    /// <summary>The object's current address; valid only until the next GC moves it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Address(object obj) => Unsafe.As<object, nint>(ref obj);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object? ReadReference(ref byte data, nint offset) =>
        Unsafe.As<byte, object?>(ref Unsafe.Add(ref data, offset));

    public static unsafe long ShallowSize(object obj)
    {
        nint mt = MethodTable(obj);
        uint flags = *(uint*)mt;
        long size = *(uint*)(mt + 4);
        if ((flags & HasComponentSize) != 0)
            size += (long)(flags & 0xFFFF) * Unsafe.As<byte, uint>(ref Data(obj));
        return (size + 7) & ~7L;
    }
}
