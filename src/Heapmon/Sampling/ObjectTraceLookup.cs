using System.Runtime.CompilerServices;
using Heapmon.Model;

namespace Heapmon.Sampling;

/// <summary>
/// Matches a live object to its own allocation sample without ever turning an address into a
/// reference (the unsafe direction): the object's current address is compared with sampled addresses,
/// and a match is trusted only when no GC could have moved or freed objects since the sample —
/// for the small object heap no GC at all, for the large and pinned heaps no gen2 GC.
/// </summary>
internal static class ObjectTraceLookup
{
    public static bool TryFind(SampleStore store, SamplerSession session, object obj, out AllocationTrace? trace, out string? whyNot)
    {
        trace = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            // Any GC changes one of these counts (a background gen2 GC only the gen2 one).
            int before = GcTicks();
            // After the flush the session has read every GC that started before this call.
            session.Flush(TimeSpan.FromSeconds(10));
            long address = AddressOf(obj);
            var found = store.Find(address);
            if (GcTicks() != before) continue; // a GC may have moved the object while we looked

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
            // Small objects move or die in any GC; large and pinned ones only in a gen2 GC.
            if (session.AnyGcSince(hit.Row.Timestamp, gen2Only: hit.Row.Kind != 0))
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

    private static int GcTicks() => GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);

    private static long AddressOf(object obj) => (long)Unsafe.As<object, nint>(ref obj);
}
