using Heapmon.Heap;

namespace Heapmon.Testing;

/// <summary>A census as counts and bytes per type name, the names spelt as <see cref="TypeNames.Display"/> spells a type.</summary>
internal static class TypeCounts
{
    /// <summary>Counts and bytes per type name (one name can stand for types of several assemblies or load contexts).</summary>
    public static Dictionary<string, (long Count, long Bytes)> ByName(HeapCensus census)
    {
        var totals = new Dictionary<string, (long Count, long Bytes)>(census.Types.Count, StringComparer.Ordinal);
        foreach (TypeStatistics type in census.Types)
        {
            (long count, long bytes) = totals.GetValueOrDefault(type.TypeName);
            totals[type.TypeName] = (count + type.Count, bytes + type.Bytes);
        }
        return totals;
    }
}
