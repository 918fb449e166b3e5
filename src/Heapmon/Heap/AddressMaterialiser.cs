using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapmon.Heap;

/// <summary>
/// Turns addresses into references where no GC can interrupt (docs/heap.md, How it works): a
/// [SuppressGCTransition] memcpy keeps the thread in cooperative mode, so a GC cannot start during
/// the copy. memcpy bypasses the write barrier, so the targets are fresh object[] chunks under
/// 85,000 bytes: in gen0, which every GC scans whole. If the sentinel shows a GC before or after
/// the copy, the copied range is zeroed at once and the caller retries.
/// </summary>
internal static unsafe class AddressMaterialiser
{
    /// <summary>8,192 references: 65,560 bytes with the header, well under the large-object threshold.</summary>
    public const int ChunkLength = 8192;

    /// <summary>The objects at <paramref name="addresses"/>[0..count) in chunks, or null if a GC may have moved them.</summary>
    public static object[][]? TryMaterialise(nint[] addresses, int count, GcSentinel sentinel)
    {
        var chunks = new object[(count + ChunkLength - 1) / ChunkLength][];
        for (int i = 0; i < chunks.Length; i++)
        {
            chunks[i] = new object[Math.Min(ChunkLength, count - i * ChunkLength)];
            if (GC.GetGeneration(chunks[i]) != 0) return null;
        }

        if (!sentinel.NoGcSince) return null;
        fixed (nint* source = addresses)
        {
            for (int i = 0; i < chunks.Length; i++)
                fixed (byte* target = &Unsafe.As<object, byte>(ref MemoryMarshal.GetArrayDataReference(chunks[i])))
                    s_memcpy(target, source + (long)i * ChunkLength, (nuint)chunks[i].Length * (nuint)sizeof(nint));
        }
        if (sentinel.NoGcSince) return chunks;

        // A GC slipped in: the copies may be stale. Clear them before anything can look at them.
        for (int i = 0; i < chunks.Length; i++)
            fixed (byte* target = &Unsafe.As<object, byte>(ref MemoryMarshal.GetArrayDataReference(chunks[i])))
                s_memset(target, 0, (nuint)chunks[i].Length * (nuint)sizeof(nint));
        return null;
    }

    private static readonly nint s_libc = NativeLibrary.Load(
        OperatingSystem.IsWindows() ? "ucrtbase.dll" : OperatingSystem.IsMacOS() ? "libSystem.dylib" : "libc.so.6");

    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void*, nuint, void*> s_memcpy =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void*, nuint, void*>)NativeLibrary.GetExport(s_libc, "memcpy");

    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, int, nuint, void*> s_memset =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, int, nuint, void*>)NativeLibrary.GetExport(s_libc, "memset");
}
