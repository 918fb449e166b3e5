using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>The report as a file: self-contained, deterministic, written atomically, within its size budget.</summary>
public sealed class HtmlStatsTests
{
    [Fact]
    public void ReportIsSelfContainedAndItsOneScriptIsTheOneThePolicyAllows()
    {
        string html = new HtmlStats(TrackerDataFixtures.Factory()).RenderToString();
        // Nothing to fetch: no external URL in any src or href (only in-page anchors and the data: icon).
        Assert.DoesNotMatch(@"(src|href)=""(?!#|data:)", html);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        string script = Regex.Match(html, "<script>(.*)</script>", RegexOptions.Singleline).Groups[1].Value;
        string hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
        string policy = Regex.Match(html, "http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"").Groups[1].Value;
        Assert.Contains($"script-src 'sha256-{hash}'", policy);
        Assert.Contains("default-src 'none'", policy);
    }

    [Fact]
    public void RenderingIsDeterministic()
    {
        Assert.Equal(new HtmlStats(TrackerDataFixtures.Factory()).RenderToString(), new HtmlStats(TrackerDataFixtures.Factory()).RenderToString());
    }

    [Fact]
    public void SummaryCellsCarryTheExactRecordedNumbers()
    {
        TrackerData data = TrackerDataFixtures.Factory();
        string html = new HtmlStats(data).RenderToString();
        string summary = Regex.Match(html, "<section id=\"summary\">(.*?)</section>", RegexOptions.Singleline).Groups[1].Value;
        var rows = Regex.Matches(summary, "<tr><td class=\"n\" data-v=\"(\\d+)\">.*?<a href=\"#c\\d+\">([^<]*)</a></td><td class=\"n\" data-v=\"(\\d+)\">.*?data-v=\"(\\d+)\"")
            .Select(m => (int.Parse(m.Groups[1].Value), m.Groups[2].Value, int.Parse(m.Groups[3].Value), long.Parse(m.Groups[4].Value))).ToList();
        // As in the text summary, a class with no instance at a snapshot has no row there.
        Assert.Equal(data.Snapshots.SelectMany((s, i) => s.Classes.Where(c => c.Active > 0 || c.Total > 0).Select(c => (i, c.ClassName, c.Active, c.Total))), rows);
    }

    [Fact]
    public void FindingsNameTheLargestClassAndThePeakFromTheRecordedTotals()
    {
        TrackerData data = TrackerDataFixtures.Factory();
        string html = new HtmlStats(data).RenderToString();
        long last = data.Snapshots[^1].Classes.Sum(c => c.Total), peak = data.Snapshots[1].Classes.Sum(c => c.Total);
        Assert.Contains($"The tracked classes peaked at snapshot #1 (after populate) with {ByteUnits.Compact(peak)}, {ByteUnits.Compact(peak - last)} more than at the last snapshot.", html);
        ClassSummary employee = data.Snapshots[^1].Classes[1];
        Assert.Contains($"<code>Employee</code> holds the most memory of the tracked classes: {ByteUnits.Compact(employee.Total)} in 500 instances", html);
    }

    [Fact]
    public void CreateHtmlReplacesAnExistingReportWholeAndLeavesNoTempFile()
    {
        string dir = TestPaths.NewTempDirectory("html");
        string path = Path.Combine(dir, "report.html");
        File.WriteAllText(path, "old report");
        new HtmlStats(TrackerDataFixtures.Factory()).CreateHtml(path);
        Assert.Equal(new HtmlStats(TrackerDataFixtures.Factory()).RenderToString(), File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void ACancelledOrFailedRenderKeepsThePreviousReportAndCleansUp()
    {
        string dir = TestPaths.NewTempDirectory("html");
        string path = Path.Combine(dir, "report.html");
        File.WriteAllText(path, "old report");
        Assert.Throws<OperationCanceledException>(() => new HtmlStats(TrackerDataFixtures.Factory()).CreateHtml(path, new CancellationToken(canceled: true)));
        Assert.Equal("old report", File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(dir).Select(Path.GetFileName));

        string missing = Path.Combine(dir, "no-such-folder", "report.html");
        Assert.Throws<DirectoryNotFoundException>(() => new HtmlStats(TrackerDataFixtures.Factory()).CreateHtml(missing));
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
    }

    [Fact]
    public void OptionsAreValidatedUpFront()
    {
        TrackerData data = TrackerDataFixtures.Factory();
        Assert.Throws<ArgumentOutOfRangeException>(() => new HtmlStats(data, new HtmlStatsOptions { LargestInstances = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HtmlStats(data, new HtmlStatsOptions { MaxTreeNodes = 0 }));
    }

    [Fact]
    public void LimitsBoundTheLargestInstancesAndTheReferentTrees()
    {
        TrackerData data = TrackerDataFixtures.Scale(snapshotCount: 10, objectCount: 200);
        string html = new HtmlStats(data, new HtmlStatsOptions { LargestInstances = 3, MaxReferentTrees = 2, MaxTreeNodes = 2 }).RenderToString();
        // Five classes of 40 objects, three rows each.
        Assert.Equal(5 * 3, Regex.Matches(html, "<table class=\"sortable largest\">.*?</table>", RegexOptions.Singleline).Sum(m => Regex.Count(m.Value, "<tr><td")));
        Assert.Equal(2, Regex.Count(html, "<section class=\"object\""));
        Assert.Contains("The 2 largest of 10 objects with a resolution level.", html);
        Assert.Contains("more referents (over the 2-row limit)", html);
    }

    [Theory]
    [InlineData("factory", "tracked")] // the heap is 9 times the tracked classes
    [InlineData("untracked", "heap")]  // snapshots without any tracked class
    [InlineData("rss-sized", "rss")]   // tracked classes make up most of the RSS
    public void Time_space_chart_opens_at_the_scale_where_the_stack_is_visible(string fixture, string scale)
    {
        TrackerData data = TrackerDataFixtures.Factory();
        data = fixture switch
        {
            "untracked" => data with { Snapshots = [.. data.Snapshots.Select(s => s with { Classes = [], TrackedTotal = 0 })], Objects = [], Classes = [] },
            "rss-sized" => data with { Snapshots = [.. data.Snapshots.Select(s => s with { Process = new ProcessMemory(3 * s.TrackedTotal, s.Process.VirtualBytes), HeapTotal = s.TrackedTotal * 2 })] },
            _ => data,
        };
        string html = new HtmlStats(data).RenderToString();
        Assert.Equal(scale, Regex.Match(html, "id=\"ts-([a-z]+)\" checked").Groups[1].Value);
    }

    [Fact]
    public void ScaleReportOf100SnapshotsAnd1000ObjectsStaysUnder5MB()
    {
        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            new HtmlStats(TrackerDataFixtures.Scale()).Render(writer);
        Assert.InRange(stream.Length, 100_000, 5 * 1024 * 1024);
    }
}
