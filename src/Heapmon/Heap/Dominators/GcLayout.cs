namespace Heapmon.Heap;

/// <summary>Receives the offset of each reference slot of an object.</summary>
internal interface ISlotVisitor
{
    void Slot(ulong offset);
}

/// <summary>
/// Where an object of one type keeps its references: the GCDesc the runtime stores just below the
/// MethodTable, read once per type from our own memory. Either series of slots (a class, or an array
/// of references: the length of each series grows with the object's size) or, for arrays of structs
/// holding references, a pattern of (references, bytes to skip) repeated to the end of the object.
/// </summary>
internal sealed class GcLayout
{
    private readonly long[] _series;      // (start offset, size adjustment) pairs; or the repeating pattern's (count, skip) pairs
    private readonly long _repeatStart;   // the first element's offset for a repeating pattern; -1 for plain series

    private GcLayout(long[] series, long repeatStart)
    {
        _series = series;
        _repeatStart = repeatStart;
    }

    /// <summary>Reads the GCDesc below <paramref name="methodTable"/>; null when it cannot be read or makes no sense.</summary>
    public static unsafe GcLayout? Read(ulong methodTable)
    {
        long count = 0;
        if (SelfDataReader.ReadSelf(methodTable - 8, new Span<byte>(&count, 8)) != 8 || count == 0 || Math.Abs(count) > 1 << 16) return null;
        if (count > 0)
        {
            // Series lie below the count, the highest first: { size - base size, start offset } each.
            var raw = new long[2 * count];
            fixed (long* p = raw)
                if (SelfDataReader.ReadSelf(methodTable - 8 - 16 * (ulong)count, new Span<byte>(p, raw.Length * 8)) != raw.Length * 8) return null;
            var series = new long[2 * count];
            for (int i = 0; i < count; i++)
            {
                series[2 * i] = raw[2 * i + 1];
                series[2 * i + 1] = raw[2 * i];
            }
            return new GcLayout(series, -1);
        }
        long items = -count;
        // Below the count: the first element's offset, then (pointer count, skip) half-word pairs, highest first.
        var block = new long[items + 1];
        fixed (long* p = block)
            if (SelfDataReader.ReadSelf(methodTable - 16 - 8 * (ulong)items, new Span<byte>(p, block.Length * 8)) != block.Length * 8) return null;
        long start = block[items];
        var pattern = new long[2 * items];
        for (int i = 0; i < items; i++)
        {
            ulong item = (ulong)block[items - 1 - i];
            pattern[2 * i] = (uint)item;
            pattern[2 * i + 1] = (uint)(item >> 32);
        }
        if (start < 8) return null;
        return new GcLayout(pattern, start);
    }

    /// <summary>How many reference slots an object of <paramref name="size"/> bytes has at most (no memory read).</summary>
    public long SlotCount(ulong size)
    {
        long[] s = _series;
        long slots = 0;
        if (_repeatStart < 0)
        {
            for (int i = 0; i < s.Length; i += 2) slots += Math.Max(0, (s[i + 1] + (long)size + 7) / 8);
            return slots;
        }
        long unit = 0, perUnit = 0;
        for (int i = 0; i < s.Length; i += 2)
        {
            perUnit += Math.Max(1, s[i]);
            unit += 8 * Math.Max(1, s[i]) + s[i + 1];
        }
        long span = (long)size - 8 - _repeatStart;
        return span <= 0 ? 0 : (span + unit - 1) / unit * perUnit;
    }

    /// <summary>Calls <paramref name="visitor"/> for each reference slot of an object of <paramref name="size"/> bytes, by increasing offset within each series.</summary>
    public void Visit<TVisitor>(ulong size, ref TVisitor visitor) where TVisitor : struct, ISlotVisitor
    {
        long[] s = _series;
        if (_repeatStart < 0)
        {
            for (int i = 0; i < s.Length; i += 2)
            {
                long offset = s[i], stop = offset + s[i + 1] + (long)size;
                for (; offset < stop; offset += 8) visitor.Slot((ulong)offset);
            }
            return;
        }
        long at = _repeatStart, end = (long)size - 8;
        while (at < end)
        {
            for (int i = 0; i < s.Length; i += 2)
            {
                long stop = at + 8 * s[i];
                do
                {
                    visitor.Slot((ulong)at);
                    at += 8;
                } while (at < stop);
                at += s[i + 1];
            }
        }
    }
}
