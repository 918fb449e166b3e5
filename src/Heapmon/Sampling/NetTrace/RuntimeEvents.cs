using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Heapmon.Sampling;

/// <summary>The events the sampler reads.</summary>
internal enum EventKind : byte
{
    None,
    Allocation,
    MethodLoad,
    ILMap,
    ModuleLoad,
    GcStart,
    Marker,
}

/// <summary>
/// The runtime's events the sampler needs, by provider and event id, and their payload layouts (packed
/// little-endian fields; strings UTF-16 and null-terminated), as .NET 10 writes them. Later versions of an
/// event only add fields at the end, so each layout reads its first fields and ignores the rest.
/// </summary>
internal static class RuntimeEvents
{
    public const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    public const string RundownProvider = "Microsoft-Windows-DotNETRuntimeRundown";

    /// <summary>What an event is, from its metadata record.</summary>
    public static EventKind Classify(ReadOnlySpan<char> provider, int eventId)
    {
        if (provider.SequenceEqual(RuntimeProvider))
            return eventId switch
            {
                303 => EventKind.Allocation,  // AllocationSampled
                143 => EventKind.MethodLoad,  // MethodLoadVerbose
                190 => EventKind.ILMap,       // MethodILToNativeMap
                152 => EventKind.ModuleLoad,  // ModuleLoad
                1 => EventKind.GcStart,       // GCStart
                _ => EventKind.None,
            };
        if (provider.SequenceEqual(RundownProvider))
            return eventId switch
            {
                144 => EventKind.MethodLoad,  // MethodDCEndVerbose
                150 => EventKind.ILMap,       // MethodDCEndILToNativeMap
                154 => EventKind.ModuleLoad,  // ModuleDCEnd
                _ => EventKind.None,
            };
        return provider.SequenceEqual(FlushMarkerSource.SourceName) && eventId == 1 ? EventKind.Marker : EventKind.None;
    }

    /// <summary>Decodes the payload of an event of a known kind and passes it on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dispatch(EventKind kind, in EventHeader header, ReadOnlySpan<byte> payload, ReadOnlySpan<ulong> stack, TraceEventSink sink)
    {
        switch (kind)
        {
            case EventKind.Allocation:
                // Kind u32, ClrInstanceID u16, TypeID u64, TypeName, Address u64, ObjectSize u64, SampledByteOffset u64.
                int offset = 14;
                ReadOnlySpan<char> typeName = String(payload, ref offset);
                var allocation = new SampledAllocation(BinaryPrimitives.ReadInt32LittleEndian(payload), U64(payload, 6), typeName, U64(payload, offset), U64(payload, offset + 8));
                sink.OnAllocation(in header, in allocation, stack);
                break;
            case EventKind.MethodLoad:
                DispatchMethodLoad(payload, sink);
                break;
            case EventKind.ILMap:
                // MethodID u64, ReJITID u64, MethodExtent u8, CountOfMapEntries u16, ILOffsets i32[n], NativeOffsets u32[n].
                int count = BinaryPrimitives.ReadUInt16LittleEndian(payload[17..]);
                sink.OnILMap(U64(payload, 0), count, payload.Slice(19, 4 * count), payload.Slice(19 + 4 * count, 4 * count));
                break;
            case EventKind.ModuleLoad:
                // ModuleID u64, AssemblyID u64, ModuleFlags u32, Reserved u32, ModuleILPath, ModuleNativePath, ...
                int at = 24;
                sink.OnModuleLoad(U64(payload, 0), String(payload, ref at));
                break;
            case EventKind.GcStart:
                // Count u32, Depth u32, Reason u32, Type u32, ...
                sink.OnGcStart(header.Timestamp, BinaryPrimitives.ReadInt32LittleEndian(payload), BinaryPrimitives.ReadInt32LittleEndian(payload[4..]));
                break;
            case EventKind.Marker:
                sink.OnMarker(header.Timestamp, BinaryPrimitives.ReadInt64LittleEndian(payload));
                break;
        }
    }

    private static void DispatchMethodLoad(ReadOnlySpan<byte> payload, TraceEventSink sink)
    {
        // MethodID u64, ModuleID u64, MethodStartAddress u64, MethodSize u32, MethodToken u32, MethodFlags u32,
        // MethodNamespace, MethodName, MethodSignature, ClrInstanceID u16, ReJITID u64.
        int offset = 36;
        ReadOnlySpan<char> typeName = String(payload, ref offset);
        ReadOnlySpan<char> name = String(payload, ref offset);
        ReadOnlySpan<char> signature = String(payload, ref offset);
        var method = new MethodLoad(U64(payload, 0), U64(payload, 8), U64(payload, 16),
            BinaryPrimitives.ReadInt32LittleEndian(payload[24..]), BinaryPrimitives.ReadInt32LittleEndian(payload[28..]), typeName, name, signature);
        sink.OnMethodLoad(in method);
    }

    /// <summary>A null-terminated UTF-16 string at <paramref name="offset"/>, which moves past its terminator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<char> String(ReadOnlySpan<byte> data, ref int offset)
    {
        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(data[offset..]);
        int length = chars.IndexOf('\0');
        if (length < 0) throw new InvalidDataException("nettrace: an event's string has no terminator");
        offset += 2 * (length + 1);
        return chars[..length];
    }

    private static ulong U64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);
}
