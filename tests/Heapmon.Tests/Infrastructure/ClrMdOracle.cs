using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests;

/// <summary>ClrMD over the test process itself: the oracle for sizes, counts and reachability.</summary>
internal sealed class ClrMdOracle : IDisposable
{
    private readonly DataTarget _target;

    public ClrMdOracle()
    {
        _target = SelfDataReader.CreateDataTarget();
        Runtime = _target.ClrVersions.Single().CreateRuntime();
    }

    public ClrRuntime Runtime { get; }

    public ClrHeap Heap => Runtime.Heap;

    /// <summary>ClrMD's size of the object at <paramref name="address"/>, rounded up to 8 as the GC allocates.</summary>
    public ulong AlignedSize(ulong address) => (Heap.GetObject(address).Size + 7) & ~7UL;

    public void Dispose()
    {
        Runtime.Dispose();
        _target.Dispose();
    }
}
