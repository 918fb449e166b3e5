namespace Heapmon.Heap;

/// <summary>The part of the GC heap an object lives in, as <c>dumpheap</c> and ClrMD name them.</summary>
public enum HeapGeneration
{
    /// <summary>Generation 0: the youngest objects.</summary>
    Gen0,

    /// <summary>Generation 1.</summary>
    Gen1,

    /// <summary>Generation 2: long-lived objects.</summary>
    Gen2,

    /// <summary>The large object heap (objects of 85,000 bytes or more).</summary>
    Large,

    /// <summary>The pinned object heap (<c>GC.AllocateArray(pinned: true)</c>).</summary>
    Pinned,

    /// <summary>Frozen segments: string literals and other objects the runtime preallocates.</summary>
    Frozen,
}
