namespace Heapmon.Heap;

/// <summary>
/// The addresses one walk found, in an array kept between walks so a walk inside a no-GC region
/// allocates nothing per object. Use only under <see cref="HeapWalkLock"/>.
/// </summary>
internal static class AddressBuffer
{
    private static nint[] s_addresses = new nint[4096];

    public static nint[] Array => s_addresses;

    public static int Count { get; private set; }

    /// <summary>How many of the addresses lie where objects made after the walk's moment may lie too.</summary>
    public static int PossiblyNewer { get; private set; }

    /// <summary>Empties the buffer, growing it first to hold <paramref name="expected"/> addresses.</summary>
    public static void Reset(int expected)
    {
        Count = 0;
        PossiblyNewer = 0;
        if (s_addresses.Length < expected) s_addresses = new nint[expected];
    }

    public static void Add(ulong address, HeapGeneration generation)
    {
        // Gen0 and the large and pinned heaps take new objects between GCs; gen1 and gen2 do not.
        if (generation is HeapGeneration.Gen0 or HeapGeneration.Large or HeapGeneration.Pinned) PossiblyNewer++;
        if (Count == s_addresses.Length)
            System.Array.Resize(ref s_addresses, s_addresses.Length * 2);
        s_addresses[Count++] = (nint)address;
    }
}
