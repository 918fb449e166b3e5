namespace Heapmon.Tests;

/// <summary>
/// Tests that walk the heap, force GCs or open NoGC regions run in this one collection, never in
/// parallel with each other: a NoGC region is process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapWalkCollection
{
    public const string Name = "HeapWalk";
}
