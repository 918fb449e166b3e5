using Heapmon.Heap;
using Heapmon.StartupHook.Session;

namespace Heapmon.Cli.Monitor;

/// <summary>What <c>heapmon monitor</c> watches without <c>--track</c>: the program's own types, the largest first.</summary>
internal static class MonitorDefaults
{
    private static readonly string[] s_runtimePrefixes = ["System.", "Microsoft.", "Internal.", "Interop", "Free", "Heapmon.", "Spectre."];

    /// <summary>Census rows whose type is the program's own (not the runtime's, nor Heapmon's) and can be named by a pattern, largest first.</summary>
    public static IEnumerable<string> OwnTypes(IEnumerable<TypeStatistics> census) =>
        census.OrderByDescending(t => t.Bytes)
            .Select(t => t.TypeName)
            .Where(name => !s_runtimePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) && !name.Contains('<') && Nameable(name));

    private static bool Nameable(string name)
    {
        try
        {
            TypePattern.Parse(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
