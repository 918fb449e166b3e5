using System.Globalization;

namespace Heapmon.Allocations;

/// <summary>
/// What a group of allocations shares (tracemalloc: the keys of GroupedStats.stats): file and line,
/// file, sampled address or type, as <see cref="GroupBy"/> says; the other parts are null or 0.
/// </summary>
/// <param name="GroupBy">Which parts are set.</param>
/// <param name="FileName">Source file, for <see cref="GroupBy.Line"/> and <see cref="GroupBy.File"/>.</param>
/// <param name="LineNumber">Line, for <see cref="GroupBy.Line"/> (0 when unknown).</param>
/// <param name="Address">Sampled address, for <see cref="GroupBy.Address"/>.</param>
/// <param name="TypeName">Allocated type, for <see cref="GroupBy.Type"/> and <see cref="GroupBy.Address"/>.</param>
public readonly record struct AllocationKey(GroupBy GroupBy, string? FileName, int LineNumber, long Address, string? TypeName) : IComparable<AllocationKey>
{
    /// <summary>Orders by file, line, address, then type (tracemalloc sorts keys last, as tuples).</summary>
    public int CompareTo(AllocationKey other)
    {
        int c = string.CompareOrdinal(FileName ?? "", other.FileName ?? "");
        if (c != 0) return c;
        c = LineNumber.CompareTo(other.LineNumber);
        if (c != 0) return c;
        c = Address.CompareTo(other.Address);
        return c != 0 ? c : string.CompareOrdinal(TypeName ?? "", other.TypeName ?? "");
    }

    /// <summary>The key as tracemalloc prints it, with the whole file name.</summary>
    public override string ToString() => Format(0);

    /// <summary>The key with at most <paramref name="filenameParts"/> trailing path parts, 0 for all (tracemalloc: filename_parts).</summary>
    public string Format(int filenameParts) => GroupBy switch
    {
        GroupBy.Line => ShortenFileName(FileName ?? Filter.UnknownFile, filenameParts) + ":" + LineNumber.ToString(CultureInfo.InvariantCulture),
        GroupBy.File => ShortenFileName(FileName ?? Filter.UnknownFile, filenameParts),
        GroupBy.Address => string.Create(CultureInfo.InvariantCulture, $"memory block 0x{Address:x}") + (TypeName is null ? "" : $" ({TypeName})"),
        _ => TypeName ?? "?",
    };

    /// <summary>Keeps the last <paramref name="parts"/> parts of a path, the rest becoming <c>...</c> (tracemalloc: _format_filename).</summary>
    public static string ShortenFileName(string fileName, int parts)
    {
        if (parts <= 0 || fileName.StartsWith('<')) return fileName;
        string[] split = fileName.Split('/', '\\');
        if (split.Length <= parts) return fileName;
        char separator = fileName.Contains('/') ? '/' : '\\';
        return "..." + separator + string.Join(separator, split[^parts..]);
    }
}
