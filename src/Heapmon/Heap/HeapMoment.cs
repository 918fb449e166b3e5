using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// What a walk under a <see cref="HeapSession"/> sees: the heap at one GC moment, which holds while
/// <see cref="NoGcSince"/>; ClrMD's view of it; the GC's counts and figures. Valid only during the walk.
/// </summary>
internal sealed class HeapMoment
{
    private readonly GcSentinel _sentinel;
    private readonly (long Index, int Collections) _before;
    private ClrRuntime? _runtime;

    internal HeapMoment(int attempt, GcSentinel sentinel, (long Index, int Collections) before, GcCounts atStart)
    {
        Attempt = attempt;
        _sentinel = sentinel;
        _before = before;
        AtStart = atStart;
        // Counted after the sentinel started: a GC slipping in before the count shows in it, one after in the sentinel.
        Counts = GcCounts.Now();
    }

    /// <summary>Which attempt of the session this is (1 = the first).</summary>
    public int Attempt { get; }

    /// <summary>The collection counts when the session began, before its first GC.</summary>
    public GcCounts AtStart { get; }

    /// <summary>The collection counts at the moment.</summary>
    public GcCounts Counts { get; }

    /// <summary>True while no GC has run since the moment: every address read so far is still valid.</summary>
    public bool NoGcSince => _sentinel.NoGcSince;

    /// <summary>
    /// ClrMD's view of our own runtime, made (or flushed) on first use, after the moment's GC: a runtime
    /// made before it kept a stale view of the gen0 regions under server GC (a young walk found nothing).
    /// </summary>
    public ClrRuntime Runtime => _runtime ??= SelfRuntime.Fresh();

    /// <summary>Whether <see cref="Materialise"/> returned references: from then on a GC no longer voids the walk.</summary>
    internal bool ReferencesHeld { get; private set; }

    /// <summary>The GC's figures for the moment's full GC, or null when they cannot be trusted (retry).</summary>
    public GcMoment? Figures() => GcMoment.Read(_before);

    /// <summary>
    /// The objects at <paramref name="addresses"/>[0..count) as references, or null if a GC may have moved
    /// them (retry). The walk's last use of addresses: the references stay right through later GCs.
    /// </summary>
    public object[][]? Materialise(nint[] addresses, int count)
    {
        object[][]? chunks = AddressMaterialiser.TryMaterialise(addresses, count, _sentinel);
        ReferencesHeld = chunks is not null;
        return chunks;
    }
}
