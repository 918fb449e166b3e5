namespace Heapmon.Model;

/// <summary>The orders heap tables are shown in.</summary>
internal static class HeapTypeOrder
{
    /// <summary>Largest retained bytes first, then shallow bytes, then by name (ordinal), so equal figures list the same way every time.</summary>
    public static readonly Comparison<HeapTypeSummary> ByRetained = (a, b) =>
    {
        int c = b.RetainedBytes.CompareTo(a.RetainedBytes);
        if (c == 0) c = b.Bytes.CompareTo(a.Bytes);
        return c != 0 ? c : string.CompareOrdinal(a.TypeName, b.TypeName);
    };
}
