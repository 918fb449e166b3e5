using System.Text.RegularExpressions;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>
/// The rendered report of a small fixed input, compared with an approved copy (STYLE.md 5): any change to the
/// markup, style or script shows as a diff. Set HEAPMON_APPROVE=1 to write a new approved copy (the test then fails once).
/// </summary>
public sealed class HtmlApprovalTests
{
    [Fact]
    public void Small_report_matches_the_approved_html()
    {
        string actual = new HtmlStats(TrackerDataFixtures.Scale(snapshotCount: 3, objectCount: 10)).RenderToString();
        string approved = Path.Combine(TestPaths.RepoRoot, "tests", "Heapmon.Tests", "Html", "Approved", "small-report.approved.html");
        if (Environment.GetEnvironmentVariable("HEAPMON_APPROVE") == "1" || !File.Exists(approved))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(approved)!);
            File.WriteAllText(approved, actual);
            Assert.Fail($"Wrote {approved}; look at it and run again.");
        }
        // On a difference the new rendering is kept beside the other artefacts, for a diff.
        string received = Path.Combine(ChromiumFixture.ArtefactDirectory, "small-report.received.html");
        if (File.ReadAllText(approved) != actual) File.WriteAllText(received, actual);
        else File.Delete(received);
        Assert.Equal(File.ReadAllText(approved), actual);
    }

    [Fact]
    public void Referents_with_the_same_name_stay_separate_rows()
    {
        var twins = new ReferentNode("root", "Holder", 100, 20, [new("[?]", "System.String", 50, 50, []), new("[?]", "System.String", 30, 30, [])]);
        TrackerData data = TrackerDataFixtures.Factory() with
        {
            Objects = [new TrackedObjectRecord(7, "Holder", "holder", TrackerDataFixtures.Start, null, 1, [new SizeSample(0, 100, 20, twins)])],
        };
        string html = new HtmlStats(data).RenderToString();
        string tree = Regex.Match(html, "<section class=\"object\" id=\"o7\">.*?</section>", RegexOptions.Singleline).Value;
        Assert.Equal(["100 B", "50 B", "30 B"], Regex.Matches(tree, "<td data-v=\"\\d+\">([^<]*)</td>").Select(m => m.Groups[1].Value));
    }
}
