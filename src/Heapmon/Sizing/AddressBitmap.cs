using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapmon.Sizing;

/// <summary>
/// The fast seen-set: one bit per 8-byte heap word, in 64 KiB chunks each covering 4 MiB of address
/// space, allocated as the walk reaches them. Walks follow allocation order, so consecutive lookups
/// hit the same chunk and the same cache lines, unlike a hash set. Addresses are valid only until the
/// next GC: callers detect a GC and rebuild or retry (see <see cref="Sizer"/>).
/// </summary>
internal sealed class AddressBitmap
{
    private const int ChunkShift = 22;
    private const int WordsPerChunk = 1 << (ChunkShift - 3 - 6);
    private const int MaxPooledChunks = 64;

    private readonly Dictionary<nint, ulong[]> _chunks = [];
    private readonly Stack<ulong[]> _pool = new();
    private nint _lastKey = -1;
    private ulong[] _last = [];

    /// <summary>Marks <paramref name="address"/>; false if it was already marked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdd(nint address)
    {
        nint key = address >> ChunkShift;
        ulong[] chunk = key == _lastKey ? _last : Chunk(key);
        int bit = (int)((nuint)address >> 3) & ((WordsPerChunk << 6) - 1);
        // The mask keeps the index inside the chunk, so the bounds check can go.
        ref ulong word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunk), bit >> 6);
        ulong mask = 1UL << bit;
        if ((word & mask) != 0) return false;
        word |= mask;
        return true;
    }

    public bool Contains(nint address)
    {
        if (!_chunks.TryGetValue(address >> ChunkShift, out ulong[]? chunk)) return false;
        int bit = (int)((nuint)address >> 3) & ((WordsPerChunk << 6) - 1);
        return (chunk[bit >> 6] & (1UL << bit)) != 0;
    }

    [MethodImpl(SnapshotCode.OncePerCall)]
    public void Clear()
    {
        foreach (ulong[] chunk in _chunks.Values)
        {
            if (_pool.Count >= MaxPooledChunks) continue;
            Array.Clear(chunk);
            _pool.Push(chunk);
        }
        _chunks.Clear();
        _lastKey = -1;
        _last = [];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong[] Chunk(nint key)
    {
        if (!_chunks.TryGetValue(key, out ulong[]? chunk))
        {
            chunk = _pool.Count > 0 ? _pool.Pop() : new ulong[WordsPerChunk];
            _chunks.Add(key, chunk);
        }
        _lastKey = key;
        _last = chunk;
        return chunk;
    }
}
