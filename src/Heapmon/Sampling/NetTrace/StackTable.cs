using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Heapmon.Sampling;

/// <summary>
/// The stacks of the current sequence-point region, by id: a StackBlock holds consecutive ids, each a list of
/// return addresses (innermost first). Kept in one reused array, so reading stacks allocates nothing once warm.
/// </summary>
internal sealed class StackTable
{
    private ulong[] _addresses = new ulong[8192];
    private int[] _starts = new int[1024];
    private int[] _lengths = new int[1024];
    private int _used;
    private int _firstId = -1;
    private int _count;

    /// <summary>Adds a StackBlock: first id, count, then each stack as a byte size and its addresses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> block)
    {
        int firstId = BinaryPrimitives.ReadInt32LittleEndian(block);
        int count = BinaryPrimitives.ReadInt32LittleEndian(block[4..]);
        if (_count == 0) _firstId = firstId;
        // Ids run on from block to block; a gap (never seen from the runtime) leaves empty stacks.
        while (_firstId + _count < firstId) Append([]);
        int offset = 8;
        for (int i = 0; i < count; i++)
        {
            int size = BinaryPrimitives.ReadInt32LittleEndian(block[offset..]);
            offset += 4;
            if (size < 0 || offset + size > block.Length) throw new InvalidDataException("nettrace: a stack overruns its block");
            Append(MemoryMarshal.Cast<byte, ulong>(block.Slice(offset, size & ~7)));
            offset += size;
        }
    }

    /// <summary>The stack with this id, or empty (id 0 means "no stack").</summary>
    public ReadOnlySpan<ulong> Get(int id)
    {
        int index = id - _firstId;
        return id == 0 || _count == 0 || (uint)index >= (uint)_count ? default : _addresses.AsSpan(_starts[index], _lengths[index]);
    }

    /// <summary>A sequence point: ids before it are never referred to again.</summary>
    public void Clear()
    {
        _used = 0;
        _count = 0;
        _firstId = -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Append(ReadOnlySpan<ulong> stack)
    {
        if (_count == _starts.Length)
        {
            Array.Resize(ref _starts, _count * 2);
            Array.Resize(ref _lengths, _count * 2);
        }
        if (_used + stack.Length > _addresses.Length) Array.Resize(ref _addresses, Math.Max(_used + stack.Length, _addresses.Length * 2));
        stack.CopyTo(_addresses.AsSpan(_used));
        _starts[_count] = _used;
        _lengths[_count] = stack.Length;
        _used += stack.Length;
        _count++;
    }
}
