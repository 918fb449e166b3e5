using System.Runtime.CompilerServices;
namespace Heapmon.Sizing;

/// <summary>An append-only list of objects in fixed chunks (no copying as it grows), truncatable for rollback.</summary>
internal sealed class ObjectList
{
    private const int ChunkSize = 8192;
    private readonly List<ObjectSlot[]> _chunks = [];

    public int Count { get; private set; }

    public void Add(object obj)
    {
        int chunk = Count / ChunkSize;
        if (chunk == _chunks.Count) _chunks.Add(new ObjectSlot[ChunkSize]);
        _chunks[chunk][Count % ChunkSize].Value = obj;
        Count++;
    }

    /// <summary>Drops every object from <paramref name="count"/> on, releasing the references.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public void Truncate(int count)
    {
        for (int i = count; i < Count; i++) _chunks[i / ChunkSize][i % ChunkSize].Value = null;
        Count = count;
    }

    public IEnumerable<object> Items()
    {
        for (int i = 0; i < Count; i++) yield return _chunks[i / ChunkSize][i % ChunkSize].Value!;
    }
}

/// <summary>An array element holding a reference: storing into a struct array skips the covariance check of object[].</summary>
internal struct ObjectSlot
{
    public object? Value;
}

/// <summary>An entry of the walk's stack: an object to visit, or an array to go on scanning.</summary>
internal struct StackSlot
{
    public object? Value;

    /// <summary>For an array scanned in slices: the data-relative offset to resume at; 0 for a first visit.</summary>
    public nint Resume;
}
