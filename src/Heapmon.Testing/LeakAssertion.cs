using System.Globalization;
using System.Text;
using Heapmon.Heap;

namespace Heapmon.Testing;

/// <summary>
/// HeapAssert.DoesNotLeak (pytest-memray: limit_leaks): the bytes alive after a full collect, before
/// and after the runs; on failure, which types grew (a census before and after a second pass) and why
/// the first of them is alive.
/// </summary>
internal static class LeakAssertion
{
    private const int TypesShown = 5;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Check(Action action, int iterations, int warmup, long tolerance)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        Settle.Run(action, warmup);
        long before = LiveBytes();
        Settle.Run(action, iterations);
        long growth = LiveBytes() - before;
        if (growth <= tolerance) return;

        var text = new StringBuilder();
        text.Append(Inv, $"the heap kept {growth:N0} bytes more after {iterations:N0} runs ({warmup:N0} warm-up runs before; tolerance {tolerance:N0} bytes)");
        List<(string Name, long Count, long Bytes)> grew = GrownTypes(action, iterations);
        if (grew.Count == 0)
        {
            text.Append("; no type grew in a second pass of the same runs (the growth did not repeat)");
            throw new HeapAssertionException(text.ToString());
        }
        text.Append(Inv, $"; types that grew in a second pass of {iterations:N0} runs:");
        foreach ((string name, long count, long bytes) in grew.Take(TypesShown))
            text.AppendLine().Append(Inv, $"  +{count:N0} {name} (+{bytes:N0} bytes)");
        if (FindType(grew[0].Name) is { } type)
            text.AppendLine().Append(SurvivorReport.Failure($"  {grew[0].Name}:", SurvivorReport.Find(type)));
        throw new HeapAssertionException(text.ToString());
    }

    /// <summary>Bytes of live objects after a full collect with finalizers run.</summary>
    private static long LiveBytes()
    {
        Settle.Collect();
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>Types with more instances after a second pass than before it, most bytes first.</summary>
    private static List<(string Name, long Count, long Bytes)> GrownTypes(Action action, int iterations)
    {
        Settle.Collect();
        Dictionary<string, TypeStatistics> before = HeapCensus.Take().Types.ToDictionary(t => t.TypeName, StringComparer.Ordinal);
        Settle.Run(action, iterations);
        Settle.Collect();
        var grew = new List<(string Name, long Count, long Bytes)>();
        foreach (TypeStatistics now in HeapCensus.Take().Types)
        {
            // The first census itself is alive during the second: its own types are not the program's growth.
            if (now.TypeName.StartsWith("Heapmon.Heap.", StringComparison.Ordinal)) continue;
            TypeStatistics? then = before.GetValueOrDefault(now.TypeName);
            long count = now.Count - (then?.Count ?? 0);
            if (count > 0) grew.Add((now.TypeName, count, now.Bytes - (then?.Bytes ?? 0)));
        }
        grew.Sort((a, b) => b.Bytes.CompareTo(a.Bytes));
        return grew;
    }

    /// <summary>The loaded type the census names, when the name is one reflection can look up (not a closed generic).</summary>
    private static Type? FindType(string name)
    {
        foreach (System.Reflection.Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
            if (assembly.GetType(name, throwOnError: false) is { } type) return type;
        return null;
    }
}
