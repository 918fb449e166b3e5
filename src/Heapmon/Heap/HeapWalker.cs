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
/// <param name="Complete">Whether every range was walked as far as it can be trusted.</param>
/// <param name="ObjectsWalked">Objects visited.</param>
/// <param name="Problem">What made the walk incomplete.</param>
/// <param name="PartialRanges">
/// Gen0 regions kept around pinned objects whose walk stopped early: threads reuse their free gaps
/// for new allocation contexts, whose ends can hold stale bytes no header explains. Measured in a
/// test process: every attempt stopped at the same place, so retrying does not help.
/// </param>
internal readonly record struct WalkOutcome(bool Complete, long ObjectsWalked, string? Problem, int PartialRanges = 0)
{
    public static WalkOutcome Failed(long walked, string problem) => new(false, walked, problem);
}

/// <summary>
/// Our own heap walker (docs/heap.md, How it works): copies each range with a few large
/// process_vm_readv reads (which never fault, unlike pointer reads of memory a GC may decommit),
/// then steps object to object by MethodTable sizes, skipping allocation contexts and zero runs.
/// It never trusts a header it cannot explain: an unknown MethodTable, a size under the minimum
/// or past the range end stops the walk and reports it incomplete, so the caller retries.
/// Allocates nothing per object (only for a MethodTable seen for the first time).
/// </summary>
internal static unsafe class HeapWalker
{
    internal const int ChunkSize = 1 << 20;
    private static readonly ulong s_minObjectSize = 3 * (ulong)IntPtr.Size;

    // On the pinned object heap: its address never changes, so no pinning per walk.
    private static readonly byte[] s_chunk = GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true);

    /// <summary>The walk's pinned copy buffer (1 MiB), for a later pass of the same walk under the walk lock to reuse.</summary>
    public static byte[] Chunk => s_chunk;

    /// <summary>Walks every range of <paramref name="layout"/>, calling <paramref name="visitor"/> for each object.</summary>
    public static WalkOutcome Walk<TVisitor>(ClrRuntime runtime, HeapLayout layout, ref TVisitor visitor)
        where TVisitor : struct, IHeapVisitor
    {
        var state = new WalkState { Buffer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_chunk)) };
        int partial = 0;
        foreach (HeapRange range in layout.Ranges)
        {
            if (WalkRange(runtime, layout, range, ref visitor, ref state, out bool unfinished) is { } problem)
                return WalkOutcome.Failed(state.Walked, problem);
            if (unfinished) partial++;
        }
        return new WalkOutcome(true, state.Walked, null, partial);
    }

    /// <summary>What one walk carries from object to object and range to range.</summary>
    private struct WalkState
    {
        public byte* Buffer;
        public ulong BufStart, BufEnd;
        public long Walked;
        public ulong LastMt;
        public MethodTableInfo? LastInfo;

        /// <summary>Where <paramref name="pos"/>'s bytes are, reading the range's next chunk when they are not in the buffer; null when unreadable.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public byte* At(ulong pos, ulong end)
        {
            if (pos < BufStart || pos + s_minObjectSize > BufEnd)
            {
                int want = (int)Math.Min(ChunkSize, end - pos);
                if (SelfDataReader.ReadSelf(pos, new Span<byte>(Buffer, want)) != want) return null;
                (BufStart, BufEnd) = (pos, pos + (ulong)want);
            }
            return Buffer + (pos - BufStart);
        }
    }

    /// <summary>
    /// Not objects yet: the allocating thread owns a context's space, and the minimum object's worth past
    /// its limit, kept for the free object that closes the context when it is retired (until then it holds
    /// whatever was there, e.g. a reused free-list item). Moves past it; false when <paramref name="pos"/> is in none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SkipAllocationContext(MemoryRange[] contexts, ref int ci, ref ulong pos, ulong end)
    {
        while (ci < contexts.Length && contexts[ci].End <= pos) ci++;
        if (ci >= contexts.Length || contexts[ci].Start > pos) return false;
        pos = Math.Min(contexts[ci].End + s_minObjectSize, end);
        return true;
    }

    /// <summary>What to do with a header whose size is known.</summary>
    private enum Verdict { Visit, ResumeAtAnchor, RangeDone, CrossesRegionEnd, BadSize }

    /// <summary>Walks one range; null when it was walked as far as it can be trusted, else what went wrong.</summary>
    private static string? WalkRange<TVisitor>(ClrRuntime runtime, HeapLayout layout, HeapRange range, ref TVisitor visitor, ref WalkState state, out bool unfinished)
        where TVisitor : struct, IHeapVisitor
    {
        unfinished = false;
        MemoryRange[] contexts = layout.Contexts;
        ulong pos = range.Start, end = range.End;
        state.BufStart = state.BufEnd = 0;
        int ci = FirstContextEndingAfter(contexts, pos);
        while (pos < end)
        {
            if (SkipAllocationContext(contexts, ref ci, ref pos, end)) continue;
            if (end - pos < s_minObjectSize)
            {
                // Too short for an object: only zero padding may be left, or (where objects are still
                // allocated) the start of one allocated since the range's end was read, as below.
                ulong tail;
                if (SelfDataReader.ReadSelf(pos, new Span<byte>(&tail, 8)) != 8) return "a heap segment could not be read";
                if (tail == 0) { pos += 8; continue; }
                if (!range.EndsAtObject && StillAllocating(range)) break;
                return "an object header ran past the end of its segment";
            }
            byte* p = state.At(pos, end);
            if (p is null) return "a heap segment could not be read";
            ulong word = *(ulong*)p & ~7UL;
            MethodTableInfo? info = word == 0 ? null : word == state.LastMt ? state.LastInfo : MethodTableCache.Get(runtime, word);
            if (info is null)
            {
                // A region kept around pins hands its free gaps to new allocation contexts; past the zeros of one
                // opened after the layout was read lie stale bytes of the old gap, which can look like a header.
                // Never guess in a kept region: resume at the next pinned object.
                if (range.KeptAroundPins)
                {
                    if (!ResumeAtAnchor(layout.Anchors, ref pos, end, ref unfinished)) break;
                    continue;
                }
                // A zero run no recorded context explains: a context opened after the layout was read.
                if (word == 0) { pos += 8; continue; }
                return $"the header at {pos:x} ({range.Generation}, range {range.Start:x}-{range.End:x}) did not hold a MethodTable ({word:x})";
            }
            (state.LastMt, state.LastInfo) = (word, info);

            ulong size = info.BaseSize;
            if (info.ComponentSize != 0) size += (ulong)info.ComponentSize * *(uint*)(p + IntPtr.Size);
            size = (size + 7) & ~7UL;
            Verdict verdict = Judge(size, end - pos, range);
            if (verdict == Verdict.Visit)
            {
                visitor.Visit(pos, info, size, range.Generation);
                state.Walked++;
                pos += size;
                continue;
            }
            if (verdict == Verdict.ResumeAtAnchor && ResumeAtAnchor(layout.Anchors, ref pos, end, ref unfinished)) continue;
            if (verdict is Verdict.ResumeAtAnchor or Verdict.RangeDone) return null;
            return verdict == Verdict.CrossesRegionEnd
                ? $"the object at {pos:x} ({info.Name}) crosses the end of a gen0 region as the GC left it ({end:x})"
                : $"the object at {pos:x} ({range.Generation}, range {range.Start:x}-{range.End:x}, {info.Name}) has a size ({size}) past the end of its range";
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Verdict Judge(ulong size, ulong room, HeapRange range)
    {
        if (size >= s_minObjectSize && size <= room) return Verdict.Visit;
        if (size > room && range.EndsAtObject) return Verdict.CrossesRegionEnd;
        if (range.KeptAroundPins) return Verdict.ResumeAtAnchor;
        // Every object that existed when the range's end was read ends at or before it:
        // this one was allocated since (often by the layout read itself). The range is done.
        if (size > room && size >= s_minObjectSize && StillAllocating(range)) return Verdict.RangeDone;
        return Verdict.BadSize;
    }

    /// <summary>Ranges where objects are still being allocated while the walk reads them.</summary>
    private static bool StillAllocating(HeapRange range) =>
        range.Generation is HeapGeneration.Gen0 or HeapGeneration.Large or HeapGeneration.Pinned;

    /// <summary>
    /// In a region kept around pins, what follows a stretch the walk cannot read is unknown until the
    /// next pinned object, where an object certainly starts. Moves there; false when there is none.
    /// </summary>
    private static bool ResumeAtAnchor(ulong[] anchors, ref ulong pos, ulong end, ref bool unfinished)
    {
        int i = Array.BinarySearch(anchors, pos + 1);
        if (i < 0) i = ~i;
        if (i < anchors.Length && anchors[i] < end)
        {
            // Only the stretch up to the anchor is lost, and only if something alive was in it.
            unfinished |= anchors[i] > pos;
            pos = anchors[i];
            return true;
        }
        unfinished = true;
        return false;
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
