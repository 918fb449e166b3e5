using System.Globalization;
using Heapmon.Tracking;

namespace Heapmon.Samples.Factory;

/// <summary>The seed's summary layout (Pympler: ConsoleStats.print_summary), printed from the plain tracker data.</summary>
public static class SummaryPrinter
{
    /// <summary>A header line per snapshot, then per class: active, total, average and share.</summary>
    public static void Print(TrackerData data, TextWriter output)
    {
        var classes = data.Snapshots.SelectMany(s => s.Classes).Select(c => c.ClassName).Distinct().ToList();
        output.WriteLine("---- SUMMARY " + new string('-', 66));
        foreach (Snapshot snapshot in data.Snapshots)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Trunc(snapshot.Description ?? "", 35),-35} {"active",11} {ByteUnits.Aligned(snapshot.Total),12} {"average",12} {"pct",5}"));
            foreach (string name in classes)
            {
                ClassSummary? c = snapshot.Classes.FirstOrDefault(x => x.ClassName == name);
                if (c is null) continue;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {Trunc(name, 33),-33} {c.Active,11} {ByteUnits.Aligned(c.Total),12} {ByteUnits.Aligned(c.Average),12} {(int)(c.Share * 100),4}%"));
            }
        }
        output.WriteLine(new string('-', 79));
    }

    private static string Trunc(string text, int width) => text.Length <= width ? text : text[..(width - 3)] + "...";
}
