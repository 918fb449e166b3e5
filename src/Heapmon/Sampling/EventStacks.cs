using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Heapmon.Model;
using Microsoft.Diagnostics.Tracing;

namespace Heapmon.Sampling;

/// <summary>
/// Reads the stack an EventPipe event carries. TraceEvent's EventPipeEventSource exposes it the ETW way,
/// as a STACK_TRACE64 extended-data item of the event record, but only to TraceLog; TraceLog in real time
/// costs more than the rest of the tracer together, so we read the record ourselves. Layouts are ETW's (x64):
/// EVENT_RECORD.ExtendedDataCount at 84, ExtendedData at 88; each item has ExtType at 2, DataSize at 6,
/// DataPtr at 8; the data is a MatchId then the addresses, innermost first.
/// </summary>
internal static unsafe class EventStacks
{
    private const ushort StackTrace64 = 6;
    private static readonly FieldInfo? RecordField = typeof(TraceEvent).GetField("eventRecord", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly Func<TraceEvent, nint>? GetRecord = CompileGetter();

    /// <summary>True when this TraceEvent build has the record field we read (checked once at start).</summary>
    public static bool Supported => GetRecord is not null && IntPtr.Size == 8;

    // One ldfld, no boxing: this runs for every sample.
    private static Func<TraceEvent, nint>? CompileGetter()
    {
        if (RecordField is null || !RecordField.FieldType.IsPointer) return null;
        var method = new DynamicMethod("HeapmonReadEventRecord", typeof(nint), [typeof(TraceEvent)], typeof(TraceEvent), skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, RecordField);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Func<TraceEvent, nint>>();
    }

    /// <summary>The event's stack, valid only during the callback; empty when it has none.</summary>
    public static ReadOnlySpan<ulong> Read(TraceEvent data)
    {
        byte* record = (byte*)GetRecord!(data);
        if (record is null) return default;
        ushort count = *(ushort*)(record + 84);
        byte* items = *(byte**)(record + 88);
        for (int i = 0; i < count && items is not null; i++)
        {
            byte* item = items + i * 16;
            if (*(ushort*)(item + 2) != StackTrace64) continue;
            int size = *(ushort*)(item + 6);
            ulong* addresses = (ulong*)*(ulong*)(item + 8);
            if (size < 8 || addresses is null) return default;
            return new ReadOnlySpan<ulong>(addresses + 1, (size - 8) / 8);
        }
        return default;
    }
}

/// <summary>Structural equality for interned tracebacks: frames are interned, so element references compare.</summary>
internal sealed class FramesComparer : IEqualityComparer<TraceFrame[]>, IAlternateEqualityComparer<ReadOnlySpan<TraceFrame>, TraceFrame[]>
{
    public static readonly FramesComparer Instance = new();

    public bool Equals(ReadOnlySpan<TraceFrame> alternate, TraceFrame[] other) => alternate.SequenceEqual(other, ReferenceEqualityComparer.Instance);

    public int GetHashCode(ReadOnlySpan<TraceFrame> alternate)
    {
        var hash = new HashCode();
        foreach (TraceFrame frame in alternate) hash.Add(RuntimeHelpers.GetHashCode(frame));
        return hash.ToHashCode();
    }

    public TraceFrame[] Create(ReadOnlySpan<TraceFrame> alternate) => alternate.ToArray();

    public bool Equals(TraceFrame[]? x, TraceFrame[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y, ReferenceEqualityComparer.Instance));

    public int GetHashCode(TraceFrame[] frames) => GetHashCode((ReadOnlySpan<TraceFrame>)frames);
}
