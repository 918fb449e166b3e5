using System.Text.Json;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Tests.Html;

/// <summary>
/// A report of a wildcard that matched hundreds of classes, opened in headless Chromium: contents name
/// the parts, not every class; the largest classes get sections and chart areas, the rest are added up;
/// the class list names every class and its search box filters it.
/// </summary>
public sealed class HtmlClassListTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AWideReportShowsTheTopClassesAndASearchableListOfAll()
    {
        TrackerData data = TrackerDataFixtures.Wide(classCount: 300, snapshotCount: 12);
        string path = Path.Combine(ChromiumFixture.ArtefactDirectory, "wide-report.html");
        new HtmlStats(data).CreateHtml(path);
        ChromiumPage page = await chromium.Browser.OpenAsync(new Uri(path).AbsoluteUri);

        // The largest by peak total (10 by default) have sections, in the order they first appear; the others are one chart area.
        long Peak(string name) => data.Snapshots.Max(s => s.Classes.Single(c => c.ClassName == name).Total);
        string[] largest = [.. data.Classes.Select(c => c.ClassName).OrderByDescending(Peak).Take(HtmlStatsOptions.Default.MaxClassSections)];
        string[] featured = [.. data.Classes.Select(c => c.ClassName).Where(largest.Contains)];
        JsonElement layout = await page.EvaluateAsync("""
            ({ toc: [...document.querySelectorAll('nav.toc a')].map(a => a.textContent),
               sections: [...document.querySelectorAll('section.class h2 code')].map(c => c.textContent),
               areas: [...document.querySelectorAll('#timespace .v-tracked path.area')].map(p => p.querySelector('title').textContent),
               rows: document.querySelectorAll('#class-table tbody tr').length,
               summaryClasses: [...new Set([...document.querySelectorAll('#summary tbody tr')].map(r => r.cells[3].textContent))] })
            """);
        Assert.Equal(["Overview", "Summary", "Snapshots", "Classes (300)", "Referent trees"], Strings(layout.GetProperty("toc")));
        Assert.Equal(featured, Strings(layout.GetProperty("sections")));
        string others = $"{300 - featured.Length} other classes";
        Assert.Equal([.. featured, others], Strings(layout.GetProperty("areas")));
        Assert.Equal(300, layout.GetProperty("rows").GetInt32());
        Assert.Equal([.. featured, others], Strings(layout.GetProperty("summaryClasses")));

        // Typing filters the list by every word; clearing it shows all again.
        const string search = """
            (q => { const box = document.getElementById('class-search'); box.value = q; box.dispatchEvent(new Event('input'));
              return { shown: [...document.querySelectorAll('#class-table tbody tr')].filter(r => !r.hidden).map(r => r.cells[0].textContent),
                       count: document.getElementById('class-count').textContent }; })
            """;
        JsonElement found = await page.EvaluateAsync(search + "('module3 type2')");
        string[] expected = [.. data.Classes.Select(c => c.ClassName).Where(n => n.Contains("Module3.") && n.Contains("Type2"))];
        Assert.Equal(expected.Order(), Strings(found.GetProperty("shown")).Order());
        Assert.Equal($"{expected.Length} of 300 classes", found.GetProperty("count").GetString());
        JsonElement all = await page.EvaluateAsync(search + "('')");
        Assert.Equal(300, all.GetProperty("shown").GetArrayLength());
        Assert.Equal("300 classes", all.GetProperty("count").GetString());

        // A featured class's row links to its section; the list is sorted by peak total, largest first.
        JsonElement first = await page.EvaluateAsync("(r => ({ name: r.cells[0].textContent, link: r.querySelector('a')?.getAttribute('href') ?? null, target: !!document.querySelector(r.querySelector('a').getAttribute('href')) }))(document.querySelector('#class-table tbody tr'))");
        Assert.Equal(largest[0], first.GetProperty("name").GetString());
        Assert.True(first.GetProperty("target").GetBoolean());
        await page.ScreenshotElementAsync("#classes", Path.Combine(ChromiumFixture.ArtefactDirectory, "wide-class-list.png"));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public void AThousandClassesOverAHundredSnapshotsStayUnderTwoMebibytes()
    {
        string html = new HtmlStats(TrackerDataFixtures.Wide(classCount: 1000, snapshotCount: 100)).RenderToString();
        Assert.True(html.Length <= 2 * 1024 * 1024, $"{html.Length:N0} characters");
        Assert.Equal(HtmlStatsOptions.Default.MaxClassSections, System.Text.RegularExpressions.Regex.Count(html, "<section class=\"class\""));
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
