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
                WriteHtml(data, path);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>The summary table (Pympler: print_summary) to <paramref name="writer"/>.</summary>
    public static void WriteSummary(TrackerData data, TextWriter writer) => new ConsoleStats(data, writer).PrintSummary();

    private static void WriteHtml(TrackerData data, string path)
    {
        var summary = new StringWriter();
        new ConsoleStats(data, summary).PrintSummary();
        File.WriteAllText(path, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Heapmon</title></head><body><pre>"
            + System.Net.WebUtility.HtmlEncode(summary.ToString()) + "</pre></body></html>");
    }
}
