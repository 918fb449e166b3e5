using System.Text.RegularExpressions;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>
/// The rendered report of a small fixed input, compared with an approved copy: any change to the
/// markup, style or script shows as a diff (see <see cref="Approval"/>).
/// </summary>
public sealed class HtmlApprovalTests
{
    [Fact]
    public void SmallReportMatchesTheApprovedHtml()
    {
        string actual = new HtmlStats(TrackerDataFixtures.Scale(snapshotCount: 3, objectCount: 10)).RenderToString();
        Approval.Verify("tests/Heapmon.Tests/Html/Approved/small-report.approved.html", actual);
    }

    [Fact]
    public void ReferentsWithTheSameNameStaySeparateRows()
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
