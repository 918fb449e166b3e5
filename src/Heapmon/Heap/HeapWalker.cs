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
    private const int ChunkSize = 1 << 20;
    private static readonly ulong s_minObjectSize = 3 * (ulong)IntPtr.Size;

    // On the pinned object heap: its address never changes, so no pinning per walk.
    private static readonly byte[] s_chunk = GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true);

    /// <summary>Walks every range of <paramref name="layout"/>, calling <paramref name="visitor"/> for each object.</summary>
    public static WalkOutcome Walk<TVisitor>(ClrRuntime runtime, HeapLayout layout, ref TVisitor visitor)
        where TVisitor : struct, IHeapVisitor
    {
        long walked = 0;
        int partial = 0;
        byte* buffer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_chunk));
        MemoryRange[] contexts = layout.Contexts;
        MethodTableInfo? lastInfo = null;
        ulong lastMt = 0;

        foreach (HeapRange range in layout.Ranges)
        {
            bool unfinished = false;
            ulong pos = range.Start, end = range.End;
            ulong bufStart = 0, bufEnd = 0;
            int ci = FirstContextEndingAfter(contexts, pos);
            while (pos < end)
            {
                while (ci < contexts.Length && contexts[ci].End <= pos) ci++;
                if (ci < contexts.Length && contexts[ci].Start <= pos)
                {
                    // Not objects yet: the allocating thread owns this space, and the minimum object's
                    // worth past its limit, kept for the free object that closes the context when it is
                    // retired (until then it holds whatever was there, e.g. a reused free-list item).
                    pos = Math.Min(contexts[ci].End + s_minObjectSize, end);
                    continue;
                }

                ulong word;
                if (end - pos < s_minObjectSize)
                {
                    // Too short for an object: only zero padding may be left, or (where objects are still
                    // allocated) the start of one allocated since the range's end was read, as below.
                    if (SelfDataReader.ReadSelf(pos, new Span<byte>(&word, 8)) != 8)
                        return WalkOutcome.Failed(walked, "a heap segment could not be read");
                    if (word != 0)
                    {
                        if (!range.EndsAtObject && range.Generation is HeapGeneration.Gen0 or HeapGeneration.Large or HeapGeneration.Pinned) break;
                        return WalkOutcome.Failed(walked, "an object header ran past the end of its segment");
                    }
                    pos += 8;
                    continue;
                }
                if (pos < bufStart || pos + s_minObjectSize > bufEnd)
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
                    // A region kept around pins hands its free gaps to new allocation contexts; past the
                    // zeros of one opened after the layout was read lie stale bytes of the old gap, which
                    // can look like a header. Stop there: never guess in a kept region.
                    if (range.KeptAroundPins)
                    {
                        if (!ResumeAtAnchor(layout.Anchors, ref pos, end, ref unfinished)) break;
                        continue;
                    }
                    // A zero run no recorded context explains: a context opened after the layout was read.
                    pos += 8;
                    continue;
                }

                MethodTableInfo? info = word == lastMt ? lastInfo : MethodTableCache.Get(runtime, word);
                if (info is null)
                {
                    if (range.KeptAroundPins)
                    {
                        if (!ResumeAtAnchor(layout.Anchors, ref pos, end, ref unfinished)) break;
                        continue;
                    }
                    return WalkOutcome.Failed(walked, $"the header at {pos:x} ({range.Generation}, range {range.Start:x}-{range.End:x}) did not hold a MethodTable ({word:x})");
                }
                lastMt = word;
                lastInfo = info;

                ulong size = info.BaseSize;
                if (info.ComponentSize != 0)
                    size += (ulong)info.ComponentSize * *(uint*)(p + IntPtr.Size);
                size = (size + 7) & ~7UL;
                if (size > end - pos && range.EndsAtObject)
                    return WalkOutcome.Failed(walked, $"the object at {pos:x} ({info.Name}) crosses the end of a gen0 region as the GC left it ({end:x})");
                if ((size < s_minObjectSize || size > end - pos) && range.KeptAroundPins)
                {
                    if (!ResumeAtAnchor(layout.Anchors, ref pos, end, ref unfinished)) break;
                    continue;
                }
                if (size > end - pos && size >= s_minObjectSize && range.Generation is HeapGeneration.Gen0 or HeapGeneration.Large or HeapGeneration.Pinned)
                {
                    // Every object that existed when the range's end was read ends at or before it:
                    // this one was allocated since (often by the layout read itself). The range is done.
                    break;
                }
                if (size < s_minObjectSize || size > end - pos)
                    return WalkOutcome.Failed(walked, $"the object at {pos:x} ({range.Generation}, range {range.Start:x}-{range.End:x}, {info.Name}) has a size ({size}) past the end of its range");

                visitor.Visit(pos, info, size, range.Generation);
                walked++;
                pos += size;
            }
            if (unfinished) partial++;
        }
        return new WalkOutcome(true, walked, null, partial);
    }

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
