using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Heapmon.Model;
using Heapmon.Sizing;

namespace Heapmon.Tracking;

/// <summary>
/// The tracked objects alive in one snapshot, with their slots, levels and labels, and the buffers their
/// sizes go to: strong references held only while they are sized, then released.
/// </summary>
internal sealed class LiveObjects(int capacity)
{
    // Struct slots, not object[]: storing into an object[] checks the element type (covariance) each time.
    private readonly ObjectSlot[] _objects = new ObjectSlot[capacity];

    public readonly int Capacity = capacity;
    public readonly long[] Sizes = new long[capacity];
    public readonly long[] Flats = new long[capacity];
    public readonly ReferentNode?[] Trees = new ReferentNode?[capacity];
    public readonly int[] Slots = new int[capacity];
    public readonly int[] Levels = new int[capacity];
    public readonly int[] Labels = new int[capacity];
    public int Count;
    public int LabelCount;

    /// <summary>The objects (an <see cref="ObjectSlot"/> is laid out as its one reference).</summary>
    public ReadOnlySpan<object> Objects
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<ObjectSlot, object>(ref MemoryMarshal.GetArrayDataReference(_objects)), Count);

    public void Append(int slot, object obj, int level, int label)
    {
        Slots[Count] = slot;
        _objects[Count].Value = obj;
        Levels[Count] = level;
        Labels[Count] = label;
        Count++;
    }

    /// <summary>Drops the strong references (the other columns stay for the recording).</summary>
    public void ReleaseObjects() => Array.Clear(_objects, 0, Count);
}
