using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// The route through a snapshot of the process: <c>DataTarget.CreateSnapshotAndAttach</c> writes a
/// dump (createdump on Linux, a process snapshot on Windows) and ClrMD walks it. About a second
/// and a full dump per call, but it works where our own memory reader does not (Windows, macOS).
/// Addresses from the dump stay valid in our process until the next GC, which the caller's
/// sentinel detects. Use only under <see cref="HeapWalkLock"/>.
/// </summary>
internal static class SnapshotRoute
{
    /// <summary>Puts the addresses of the wanted objects into <see cref="AddressBuffer"/>.</summary>
    public static WalkOutcome CollectAddresses(TypeMatcher matcher, HeapScope scope)
    {
        using DataTarget target = Take();
        using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
        long walked = 0;
        foreach (ClrSegment segment in runtime.Heap.Segments)
        {
            foreach (ClrObject obj in segment.EnumerateObjects(carefully: true))
            {
                if (!obj.IsValid || obj.IsFree || obj.Type is null) continue;
                walked++;
                Generation generation = segment.GetGeneration(obj.Address);
                if (scope == HeapScope.Young && generation is not (Generation.Generation0 or Generation.Generation1))
                    continue;
                if (matcher.IsMatch(obj.Type.MethodTable) && ToHeapGeneration(generation) is { } heapGeneration)
                    AddressBuffer.Add(obj.Address, heapGeneration);
            }
        }
        return new WalkOutcome(true, walked, null);
    }

    /// <summary>Per-MethodTable counts and bytes of the whole heap, read from a snapshot.</summary>
    public static HeapCensus Census()
    {
        using DataTarget target = Take();
        using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
        var builder = new HeapCensusBuilder();
        foreach (ClrSegment segment in runtime.Heap.Segments)
            foreach (ClrObject obj in segment.EnumerateObjects(carefully: true))
            {
                if (!obj.IsValid || obj.Type is null) continue;
                HeapGeneration? generation = ToHeapGeneration(segment.GetGeneration(obj.Address));
                if (generation is null) continue;
                builder.Add(obj.Type.MethodTable, obj.IsFree ? "Free" : obj.Type.Name ?? "<unknown>", obj.IsFree, (obj.Size + 7) & ~7UL, generation.Value);
            }
        return builder.Build();
    }

    /// <summary>A snapshot of this process through ClrMD (a full dump).</summary>
    /// <exception cref="HeapWalkException">The snapshot could not be taken (<see cref="HeapWalkFailure.SnapshotFailed"/>).</exception>
    /// <exception cref="PlatformNotSupportedException">ClrMD cannot snapshot a process on this platform.</exception>
    public static DataTarget Take()
    {
        try
        {
            return DataTarget.CreateSnapshotAndAttach(Environment.ProcessId, LocalFilesOnly.Options);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or PlatformNotSupportedException))
        {
            throw WalkFailures.Refusal(HeapWalkFailure.SnapshotFailed, 0,
                "Could not take a snapshot of this process (createdump, DataTarget.CreateSnapshotAndAttach): " + e.Message, e);
        }
    }

    internal static HeapGeneration? ToHeapGeneration(Generation generation) => generation switch
    {
        Generation.Generation0 => HeapGeneration.Gen0,
        Generation.Generation1 => HeapGeneration.Gen1,
        Generation.Generation2 => HeapGeneration.Gen2,
        Generation.Large => HeapGeneration.Large,
        Generation.Pinned => HeapGeneration.Pinned,
        Generation.Frozen => HeapGeneration.Frozen,
        _ => null,
    };
}
