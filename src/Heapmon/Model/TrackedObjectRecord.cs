namespace Heapmon.Model;

/// <summary>
/// Everything recorded about one tracked object, as plain data (Pympler: TrackedObject): it never
/// refers to the object itself, so keeping it keeps nothing alive.
/// </summary>
/// <param name="Id">Unique within the tracker, in announcement order.</param>
/// <param name="ClassName">Full name of the object's type.</param>
/// <param name="Name">The name given when tracking, else a short description of the object (Pympler: repr).</param>
/// <param name="Birth">When it was registered (for class tracking: when first seen by a heap walk).</param>
/// <param name="Death">When its death was observed, or null while alive.</param>
/// <param name="ResolutionLevel">Depth of the per-referent tree recorded at each snapshot.</param>
/// <param name="Samples">Its size at each snapshot it was alive for, in snapshot order.</param>
/// <param name="Trace">Instantiation stack, most recent frame first, when class tracking recorded one.</param>
public sealed record TrackedObjectRecord(
    long Id,
    string ClassName,
    string Name,
    DateTimeOffset Birth,
    DateTimeOffset? Death,
    int ResolutionLevel,
    IReadOnlyList<SizeSample> Samples,
    IReadOnlyList<string>? Trace = null)
{
    /// <summary>The size at the snapshot with index <paramref name="snapshotIndex"/>, 0 if not sampled there (Pympler: get_size_at_time).</summary>
    public long SizeAt(int snapshotIndex)
    {
        foreach (SizeSample sample in Samples)
            if (sample.SnapshotIndex == snapshotIndex) return sample.Size;
        return 0;
    }

    /// <summary>Whether the object was alive at <paramref name="time"/>.</summary>
    public bool IsAliveAt(DateTimeOffset time) => Birth <= time && (Death is null || Death > time);
}

/// <summary>An object's size at one snapshot: deep size, flat size and, at resolution level above 0, its referent tree.</summary>
public readonly record struct SizeSample(int SnapshotIndex, long Size, long Flat, ReferentNode? Referents = null);

/// <summary>A node of a per-referent size tree (Pympler: Asized), the root being the tracked object.</summary>
/// <param name="Name">Field name, array index like <c>[3]</c>, or the type name at the root.</param>
/// <param name="Type">Full name of the referent's type.</param>
/// <param name="Size">Deep size: the referent and everything below it that was counted for it.</param>
/// <param name="Flat">Shallow size of the referent alone.</param>
/// <param name="Children">Its own referents, largest first, down to the resolution level.</param>
public sealed record ReferentNode(string Name, string Type, long Size, long Flat, IReadOnlyList<ReferentNode> Children);
