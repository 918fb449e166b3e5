namespace Heapmon.Heap;

/// <summary>One line of a census: a type, its instance count and shallow bytes (dumpheap -stat; Pympler: summary row).</summary>
/// <param name="TypeName">The type's name as ClrMD and dumpheap print it; "Free" for free space.</param>
/// <param name="Count">Instances on the heap.</param>
/// <param name="Bytes">Their total shallow size, each rounded up to 8 bytes as the GC allocates it.</param>
public sealed record TypeStatistics(string TypeName, long Count, long Bytes);

/// <summary>The objects and bytes in one part of the heap.</summary>
/// <param name="Generation">The part of the heap.</param>
/// <param name="Count">Objects in it (free space not counted).</param>
/// <param name="Bytes">Their total shallow size.</param>
public sealed record GenerationStatistics(HeapGeneration Generation, long Count, long Bytes);
