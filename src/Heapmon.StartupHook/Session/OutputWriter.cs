using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.StartupHook.Session;

/// <summary>Renders recorded data into one output file with the library's own writers, exactly as a program calling them would.</summary>
internal static class OutputWriter
{
    public static void Write(OutputKind kind, TrackerData data, string path)
    {
        switch (kind)
        {
            case OutputKind.Dump:
                new Stats.Stats(data).DumpStats(path);
                break;
            case OutputKind.Summary:
                using (var writer = new StreamWriter(path))
                    new ConsoleStats(data, writer).PrintSummary();
                break;
            case OutputKind.Html:
                new HtmlStats(data).CreateHtml(path);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>The summary table (Pympler: print_summary) to <paramref name="writer"/>.</summary>
    public static void WriteSummary(TrackerData data, TextWriter writer) => new ConsoleStats(data, writer).PrintSummary();
}
