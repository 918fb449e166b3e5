using System.Runtime.CompilerServices;

namespace Heapmon.Allocations;

/// <summary>
/// Matches a live object to its own allocation sample without ever turning an address into a
/// reference (the unsafe direction): the object's current address is compared with sampled addresses,
/// and a match is trusted only when no GC could have moved or freed objects since the sample —
/// for the small object heap no GC at all, for the large and pinned heaps no gen2 GC.
/// </summary>
internal static class ObjectTraceLookup
{
    public static bool TryFind(SampleStore store, object obj, out AllocationTrace? trace, out string? whyNot)
    {
        trace = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int gcBefore = GC.CollectionCount(0);
            long address = AddressOf(obj);
            var found = store.Find(address);
            int gcAfter = GC.CollectionCount(0);
            if (gcBefore != gcAfter) continue; // the object may have moved while we looked

            if (found is not { } hit)
            {
                whyNot = "its allocation was not sampled (about one allocation per 100 KB allocated is), or a GC has moved it since";
                return false;
            }
            if (hit.Row.TypeHandle != obj.GetType().TypeHandle.Value)
            {
                whyNot = "its allocation was not sampled: the sample at its address was another object, since freed";
                return false;
            }
            bool certain = hit.Row.Kind == 0
                ? hit.Row.GcIndex == gcAfter
                : hit.Row.Gen2Index == AllocationTracer.LastGen2Index(gcAfter);
            if (!certain)
            {
                whyNot = "a GC has moved or freed objects since its address was sampled, so the sample cannot be matched to it";
                return false;
            }
            trace = hit.Trace;
            whyNot = null;
            return true;
        }
        whyNot = "GCs kept moving objects during the lookup";
        return false;
    }

    private static long AddressOf(object obj) => (long)Unsafe.As<object, nint>(ref obj);
}
