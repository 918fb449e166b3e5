using System.Runtime.CompilerServices;
using Heapmon.Model;

namespace Heapmon.Sampling;

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

/// <summary>Equality for raw stacks (return addresses), with a span lookup so a known stack costs no array.</summary>
internal sealed class AddressesComparer : IEqualityComparer<ulong[]>, IAlternateEqualityComparer<ReadOnlySpan<ulong>, ulong[]>
{
    public static readonly AddressesComparer Instance = new();

    public bool Equals(ReadOnlySpan<ulong> alternate, ulong[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<ulong> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(alternate));
        return hash.ToHashCode();
    }

    public ulong[] Create(ReadOnlySpan<ulong> alternate) => alternate.ToArray();

    public bool Equals(ulong[]? x, ulong[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(ulong[] addresses) => GetHashCode((ReadOnlySpan<ulong>)addresses);
}
