using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>Receives each object a <see cref="HeapWalker"/> finds.</summary>
internal interface IHeapVisitor
{
    void Visit(ulong address, MethodTableInfo info, ulong size, HeapGeneration generation);
}

/// <summary>How a walk ended: complete, or the first thing that made it incomplete.</summary>
internal readonly record struct WalkOutcome(bool Complete, long ObjectsWalked, string? Problem)
{
    public static WalkOutcome Failed(long walked, string problem) => new(false, walked, problem);
}

/// <summary>
/// Our own heap walker (DESIGN.md mechanism 3): copies each range with a few large
/// process_vm_readv reads (which never fault, unlike pointer reads of memory a GC may decommit),
/// then steps object to object by MethodTable sizes, skipping allocation contexts and zero runs.
/// It never trusts a header it cannot explain: an unknown MethodTable, a size under the minimum
/// or past the range end stops the walk and reports it incomplete, so the caller retries.
/// Allocates nothing per object (only for a MethodTable seen for the first time).
/// </summary>
internal static unsafe class HeapWalker
{
    private const int ChunkSize = 1 << 20;
    private static readonly ulong MinObjectSize = 3 * (ulong)IntPtr.Size;

    // On the pinned object heap: its address never changes, so no pinning per walk.
    private static readonly byte[] s_chunk = GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true);

    /// <summary>Walks every range of <paramref name="layout"/>, calling <paramref name="visitor"/> for each object.</summary>
    public static WalkOutcome Walk<TVisitor>(ClrRuntime runtime, HeapLayout layout, ref TVisitor visitor)
        where TVisitor : struct, IHeapVisitor
    {
        long walked = 0;
        byte* buffer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_chunk));
        MemoryRange[] contexts = layout.Contexts;
        MethodTableInfo? lastInfo = null;
        ulong lastMt = 0;

        foreach (HeapRange range in layout.Ranges)
        {
            ulong pos = range.Start, end = range.End;
            ulong bufStart = 0, bufEnd = 0;
            int ci = FirstContextEndingAfter(contexts, pos);
            while (pos < end)
            {
                while (ci < contexts.Length && contexts[ci].End <= pos) ci++;
                if (ci < contexts.Length && contexts[ci].Start <= pos)
                {
                    // Not objects yet: the allocating thread owns this space.
                    pos = contexts[ci].End;
                    continue;
                }

                ulong word;
                if (end - pos < MinObjectSize)
                {
                    // Too short for an object: only zero padding may be left.
                    if (SelfDataReader.ReadSelf(pos, new Span<byte>(&word, 8)) != 8 || word != 0)
                        return WalkOutcome.Failed(walked, "an object header ran past the end of its segment");
                    pos += 8;
                    continue;
                }
                if (pos < bufStart || pos + MinObjectSize > bufEnd)
                {
                    int want = (int)Math.Min(ChunkSize, end - pos);
                    if (SelfDataReader.ReadSelf(pos, new Span<byte>(buffer, want)) != want)
                        return WalkOutcome.Failed(walked, "a heap segment could not be read");
                    bufStart = pos;
                    bufEnd = pos + (ulong)want;
                }

                byte* p = buffer + (pos - bufStart);
                word = *(ulong*)p & ~7UL;
                if (word == 0)
                {
                    // A zero run no recorded context explains: a context opened after the layout was read.
                    pos += 8;
                    continue;
                }

                MethodTableInfo? info = word == lastMt ? lastInfo : MethodTableCache.Get(runtime, word);
                if (info is null)
                    return WalkOutcome.Failed(walked, $"the header at {pos:x} ({range.Generation}, range {range.Start:x}-{range.End:x}) did not hold a MethodTable ({word:x})");
                lastMt = word;
                lastInfo = info;

                ulong size = info.BaseSize;
                if (info.ComponentSize != 0)
                    size += (ulong)info.ComponentSize * *(uint*)(p + IntPtr.Size);
                size = (size + 7) & ~7UL;
                if (size > end - pos && size >= MinObjectSize && range.Generation is HeapGeneration.Gen0 or HeapGeneration.Large or HeapGeneration.Pinned)
                {
                    // Every object that existed when the range's end was read ends at or before it:
                    // this one was allocated since (often by the layout read itself). The range is done.
                    break;
                }
                if (size < MinObjectSize || size > end - pos)
                    return WalkOutcome.Failed(walked, $"the object at {pos:x} ({range.Generation}, range {range.Start:x}-{range.End:x}, {info.Name}) has a size ({size}) past the end of its range");

                visitor.Visit(pos, info, size, range.Generation);
                walked++;
                pos += size;
            }
        }
        return new WalkOutcome(true, walked, null);
    }

    private static int FirstContextEndingAfter(MemoryRange[] contexts, ulong address)
    {
        int lo = 0, hi = contexts.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (contexts[mid].End <= address) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
