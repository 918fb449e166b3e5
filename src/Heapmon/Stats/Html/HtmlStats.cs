using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Renders a tracker's data as one self-contained HTML report: summary, time–space chart, a section
/// per class and per-referent trees (Pympler: HtmlStats). Works on plain data, so a dump and a live tracker render alike.
/// </summary>
public sealed class HtmlStats
{
    private readonly TrackerData _data;
    private readonly HtmlStatsOptions _options;

    /// <summary>Prepares a report of everything <paramref name="tracker"/> has recorded so far (Pympler: HtmlStats(tracker=tracker)).</summary>
    public HtmlStats(ITrackerDataSource tracker, HtmlStatsOptions? options = null)
        : this((tracker ?? throw new ArgumentNullException(nameof(tracker))).ToData(), options) { }

    /// <summary>Prepares a report of recorded <paramref name="data"/>, from a tracker or a stats file.</summary>
    public HtmlStats(TrackerData data, HtmlStatsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        _options = options ?? HtmlStatsOptions.Default;
        _options.Validate();
    }

    /// <summary>Prepares a report of a stats file written by <see cref="TrackerStats.DumpStats"/> (Pympler: HtmlStats(filename=...)).</summary>
    /// <exception cref="HeapmonFormatException">The file is missing, of another format, truncated, corrupt or from a newer version.</exception>
    public static HtmlStats Load(string path, HtmlStatsOptions? options = null) => new(StatsFile.Read(path), options);

    /// <summary>Writes the report to <paramref name="path"/> atomically: a temp file renamed into place (Pympler: create_html).</summary>
    public void CreateHtml(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            Render(writer, cancellationToken);
        });
    }

    /// <summary>Writes the report's HTML to <paramref name="writer"/>.</summary>
    public void Render(TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        new HtmlReportWriter(_data, _options, writer, cancellationToken).Write();
        writer.Flush();
    }

    /// <summary>The report as one string (convenient for tests and small reports).</summary>
    public string RenderToString()
    {
        var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Render(writer);
        return writer.ToString();
    }
}
