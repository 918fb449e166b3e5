namespace Heapmon.Sizing;

/// <summary>The seen-set a walk marks objects in; a struct type parameter, so the walk is compiled once per kind.</summary>
internal interface ISeenSet
{
    /// <summary>Marks <paramref name="obj"/>; false if it was already marked.</summary>
    bool TryAdd(object obj);

    /// <summary>Keyed by address: a GC during the walk invalidates it, so the walk must watch for one.</summary>
    bool AddressBased { get; }
}

/// <summary>The fast set: a bit per heap word (see <see cref="AddressBitmap"/>).</summary>
internal readonly struct BitmapSeen(AddressBitmap bits) : ISeenSet
{
    public bool TryAdd(object obj) => bits.TryAdd(ObjectLayout.Address(obj));

    public bool AddressBased => true;
}

/// <summary>The fallback when GCs keep interrupting the fast walk: a reference-equality hash set, unaffected by moves.</summary>
internal readonly struct ReferenceSeen(HashSet<object> set) : ISeenSet
{
    public bool TryAdd(object obj) => set.Add(obj);

    public bool AddressBased => false;
}
