using System.Globalization;
using System.Text;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Plain-text reports over tracker data, in Pympler's layouts (Pympler: tracker.stats.ConsoleStats).
/// Writes to a <see cref="TextWriter"/> (default <see cref="Console.Out"/>); each call renders
/// completely into a buffer first, so a failure never leaves a partial report.
/// </summary>
public sealed class ConsoleStats : TrackerStats
{
    private const string Rule = "-------------------------------------------------------------------------------";

    /// <summary>Console reports over <paramref name="data"/>, written to <paramref name="output"/> (Pympler: ConsoleStats(tracker=...)).</summary>
    public ConsoleStats(TrackerData data, TextWriter? output = null) : base(data) => Output = output ?? Console.Out;

    /// <summary>Console reports over everything <paramref name="tracker"/> has recorded so far (Pympler: ConsoleStats(tracker=tracker)).</summary>
    public ConsoleStats(ITrackerDataSource tracker, TextWriter? output = null) : base(DataOf(tracker)) => Output = output ?? Console.Out;

    /// <summary>Console reports over <paramref name="stats"/>'s data, keeping its sort order.</summary>
    public ConsoleStats(TrackerStats stats, TextWriter? output = null) : base(stats) => Output = output ?? Console.Out;

    /// <summary>Where reports go (Pympler: stream).</summary>
    public TextWriter Output { get; }

    /// <summary>Reads a stats file for console reports (Pympler: ConsoleStats(filename=...)).</summary>
    /// <exception cref="HeapmonFormatException">The file cannot be loaded.</exception>
    public static ConsoleStats Load(string path, TextWriter? output = null) => new(StatsFile.Read(path), output);

    /// <inheritdoc cref="TrackerStats.SortStats"/>
    public new ConsoleStats SortStats(params string[] keys)
    {
        base.SortStats(keys);
        return this;
    }

    /// <inheritdoc cref="TrackerStats.ReverseOrder"/>
    public new ConsoleStats ReverseOrder()
    {
        base.ReverseOrder();
        return this;
    }

    /// <summary>
    /// Per tracked object, in the current order: class, id and name, lifetime, instantiation trace,
    /// size at each snapshot with its referent tree indented by level; then each traced class's
    /// instantiation sites with estimated counts (Pympler: print_stats).
    /// </summary>
    /// <param name="limit">Print at most this many objects (after filtering); 0 prints nothing, sites included.</param>
    /// <param name="filter">Only classes whose full name contains this text, or, with <c>*</c>, match it as a wildcard.</param>
    public void PrintStats(int? limit = null, string? filter = null)
    {
        if (limit < 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be 0 or more");
        var buffer = new StringBuilder();
        var pattern = ClassFilter.Parse(filter);
        int printed = 0;
        foreach (TrackedObjectRecord o in Sorted)
        {
            if (printed == limit) break;
            if (!pattern.Matches(o.ClassName)) continue;
            AppendObject(buffer, o);
            printed++;
        }
        if (limit != 0) // limit 0 prints nothing at all
            foreach (TrackedClassRecord c in Data.Classes)
                if (c.Sites.Count > 0 && pattern.Matches(c.ClassName)) AppendSites(buffer, c);
        Output.Write(buffer.ToString());
    }

    /// <summary>
    /// Per snapshot, each tracked class's active instances, total, average size and share of the snapshot's
    /// total (Pympler: print_summary). Classes with no instance at a snapshot are counted in one line, not listed.
    /// </summary>
    /// <param name="all">List classes with no instance too, as Pympler does.</param>
    public void PrintSummary(bool all = false)
    {
        var b = new StringBuilder();
        b.Append("---- SUMMARY ").Append('-', 66).Append('\n');
        foreach (Snapshot snapshot in Data.Snapshots)
        {
            Line(b, $"{ReportText.Truncate(snapshot.Description ?? "", 35),-35} {"active",11} {ByteUnits.Aligned(snapshot.Total),12} {"average",12} {"pct",5}");
            int empty = 0;
            foreach (ClassSummary c in snapshot.Classes)
            {
                if (!all && c.Active == 0 && c.Total == 0)
                {
                    empty++;
                    continue;
                }
                Line(b, $"  {ReportText.TruncateLeft(c.ClassName, 33),-33} {c.Active,11} {ByteUnits.Aligned(c.Total),12} {ByteUnits.Aligned(c.Average),12} {Percent(snapshot.ShareOf(c.Total)),4}%");
            }
            if (empty > 0) Line(b, $"  ({empty:N0} {(empty == 1 ? "class" : "classes")} with no instances)");
        }
        b.Append(Rule).Append('\n');
        Output.Write(b.ToString());
    }

    private void AppendObject(StringBuilder b, TrackedObjectRecord o)
    {
        Line(b, $"{ReportText.TruncateLeft(o.ClassName, 32),-32} {"#" + o.Id.ToString(CultureInfo.InvariantCulture),-10} {ReportText.Truncate(o.Name, 35)}");
        string death = o.Death is { } d ? Seconds(d) : "alive";
        Line(b, $"  {"lifetime",-30} {Seconds(o.Birth)} .. {death}");
        foreach (string frame in o.Trace ?? [])
            Line(b, $"  at {ReportText.Truncate(frame, 75)}");
        foreach (SizeSample sample in o.Samples)
        {
            Line(b, $"  {ReportText.Truncate(SampleLabel(sample.SnapshotIndex), 30),-30} {ByteUnits.Aligned(sample.Size)}");
            if (sample.Referents is { } root) AppendReferents(b, root.Children, sample.Size, "    ", 1);
        }
        if (o.Death is { } death2) Line(b, $"  {Seconds(death2),-30} finalize");
    }

    // Pympler's _print_refs: largest first, and referents under 0.1% of the object are noise.
    private static void AppendReferents(StringBuilder b, IReadOnlyList<ReferentNode> refs, long total, string prefix, int level)
    {
        foreach (ReferentNode r in refs.OrderByDescending(r => r.Size))
        {
            if (r.Size <= 0 || total <= 0 || r.Size * 100.0 / total <= 0.1) continue;
            Line(b, $"{ReportText.Truncate(prefix + r.Name, 50),-50} {ByteUnits.Aligned(r.Size),-14} {(int)(r.Size * 100.0 / total),3}% [{level}]");
            AppendReferents(b, r.Children, total, prefix + "  ", level + 1);
        }
    }

    /// <summary>Frames shown per instantiation site: the top of the stack says where.</summary>
    private const int SiteFrames = 3;

    // Pympler prints each instance's trace; here the sites are per class and estimated, so they say so.
    private static void AppendSites(StringBuilder b, TrackedClassRecord c)
    {
        Line(b, $"{ReportText.TruncateLeft(c.ClassName, 32)}: instantiation sites (estimated, 95% interval)"); // not an object line's layout
        foreach (InstantiationSite site in c.Sites.OrderByDescending(s => s.EstimatedCount))
        {
            Line(b, $"  ~{Math.Round(site.EstimatedCount):N0} [{Math.Round(site.Low):N0} .. {Math.Round(site.High):N0}] instances, {site.Samples:N0} {(site.Samples == 1 ? "sample" : "samples")}");
            foreach (string frame in site.Frames.Take(SiteFrames))
                Line(b, $"    at {ReportText.TruncateLeft(ShortFrame(frame), 72)}");
            int more = site.Frames.Count - SiteFrames;
            if (more > 0) Line(b, $"    ... {more} more {(more == 1 ? "frame" : "frames")}");
        }
    }

    /// <summary>
    /// <c>App.Data.Loader.Read(class App.Data.Source,int32) (/src/app/Loader.cs:12)</c> → <c>Loader.Read(...) (Loader.cs:12)</c>:
    /// in a fixed-width line the type, method and line say more than the namespace, signature and folder.
    /// </summary>
    private static string ShortFrame(string frame)
    {
        int open = frame.LastIndexOf(" (", StringComparison.Ordinal);
        if (open < 0 || !frame.EndsWith(')')) return frame;
        string method = frame[..open], where = frame[(open + 2)..^1];
        if (method.Length == 0) return frame;
        int slash = where.LastIndexOfAny(['/', '\\']);
        if (slash >= 0) where = where[(slash + 1)..];
        int args = method.IndexOf('(');
        if (args >= 0) method = string.Concat(method.AsSpan(0, args), method.EndsWith("()", StringComparison.Ordinal) ? "()" : "(...)");
        int typeDot = method.LastIndexOf('.', args < 0 ? method.Length - 1 : args);
        if (typeDot > 0 && method.LastIndexOf('.', typeDot - 1) is int nsDot and >= 0) method = method[(nsDot + 1)..];
        return $"{method} ({where})";
    }

    private string SampleLabel(int snapshotIndex)
    {
        if ((uint)snapshotIndex >= (uint)Data.Snapshots.Count)
            return "#" + snapshotIndex.ToString(CultureInfo.InvariantCulture);
        Snapshot s = Data.Snapshots[snapshotIndex];
        return s.Description is { Length: > 0 } label ? $"{Seconds(s.Timestamp)} {label}" : Seconds(s.Timestamp);
    }

    /// <summary>Time since the run started, like Pympler's relative timestamps.</summary>
    private string Seconds(DateTimeOffset time)
        => ((time - Data.Run.Started).Ticks / (double)TimeSpan.TicksPerSecond).ToString("+0.00s;-0.00s;+0.00s", CultureInfo.InvariantCulture);

    // Truncates toward zero like Pympler's %d; NaN (0/0 in a tracker) prints as 0.
    private static int Percent(double share) => double.IsFinite(share) ? (int)Math.Clamp(share * 100, -999, 9999) : 0;

    private static void Line(StringBuilder b, FormattableString text) => b.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
