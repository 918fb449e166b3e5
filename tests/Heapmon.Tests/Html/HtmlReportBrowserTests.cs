using System.Text.Json;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>The report opened in real headless Chromium: no console errors, charts drawn, tables sort, trees fold, schemes and print apply.</summary>
public sealed class HtmlReportBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static async Task<(ChromiumPage Page, string Path)> OpenAsync(ChromiumFixture chromium, TrackerData data, string name, string? colorScheme = null)
    {
        string path = Path.Combine(ChromiumFixture.ArtefactDirectory, name + ".html");
        new HtmlStats(data).CreateHtml(path);
        ChromiumPage page = await chromium.Browser.OpenAsync(new Uri(path).AbsoluteUri, colorScheme: colorScheme);
        return (page, path);
    }

    private static void AssertClean(ChromiumPage page)
    {
        Assert.Empty(page.Errors);
        Assert.Empty(page.Dialogs);
    }

    [Fact]
    public async Task FactoryReportLoadsWithoutErrorsDrawsEveryChartAndIsScreenshotted()
    {
        TrackerData data = TrackerDataFixtures.Factory();
        (ChromiumPage page, _) = await OpenAsync(chromium, data, "factory-report");

        // Time–space: it opens at the tracked classes' scale (the heap is 9 times the stack here): one stacked
        // area per class, filling the plot; the heap and RSS lines are far above and left out.
        const string describe = """
            (() => { const svg = [...document.querySelectorAll('#timespace svg.chart')].find(s => s.getBoundingClientRect().width > 0);
              const box = e => { const b = e.getBBox(); return [b.width, b.height]; };
              return { areas: [...svg.querySelectorAll('path.area')].map(p => ({ name: p.querySelector('title').textContent, box: box(p) })),
                       lines: [...svg.querySelectorAll('path.line')].map(p => ({ name: p.querySelector('title').textContent, box: box(p) })),
                       hits: svg.querySelectorAll('rect.hit').length,
                       width: svg.getBoundingClientRect().width,
                       visible: [...document.querySelectorAll('#timespace svg.chart')].filter(s => s.getBoundingClientRect().width > 0).length }; })()
            """;
        JsonElement tracked = await page.EvaluateAsync(describe);
        Assert.Equal(1, tracked.GetProperty("visible").GetInt32());
        Assert.Equal(["Factory", "Employee"], tracked.GetProperty("areas").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Empty(tracked.GetProperty("lines").EnumerateArray());
        Assert.True(tracked.GetProperty("areas")[1].GetProperty("box")[1].GetDouble() > 200, tracked.ToString());
        Assert.Equal(3, tracked.GetProperty("hits").GetInt32());
        Assert.True(tracked.GetProperty("width").GetDouble() > 600);
        await page.ScreenshotElementAsync("#timespace", Path.Combine(ChromiumFixture.ArtefactDirectory, "factory-timespace.png"));

        // At the GC heap's scale the heap line is drawn above the stack (the gap is the untracked remainder).
        await page.EvaluateAsync("document.getElementById('ts-heap').click()");
        JsonElement heap = await page.EvaluateAsync(describe);
        Assert.Equal(1, heap.GetProperty("visible").GetInt32());
        Assert.Equal(["GC heap (tracked + untracked)"], heap.GetProperty("lines").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        JsonElement employeeBox = heap.GetProperty("areas")[1].GetProperty("box");
        Assert.True(employeeBox[0].GetDouble() > 500 && employeeBox[1].GetDouble() > 20, $"Employee area box {employeeBox}");

        // At the RSS scale the RSS line is drawn too.
        await page.EvaluateAsync("document.getElementById('ts-rss').click()");
        JsonElement rssScale = await page.EvaluateAsync(describe);
        Assert.Equal(["GC heap (tracked + untracked)", "Process RSS"], rssScale.GetProperty("lines").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.True(rssScale.GetProperty("lines")[1].GetProperty("box")[0].GetDouble() > 500);
        await page.EvaluateAsync("document.getElementById('ts-heap').click()");

        // Every class section has its three charts, each with drawn marks.
        JsonElement charts = await page.EvaluateAsync("""
            [...document.querySelectorAll('section.class')].map(s => [...s.querySelectorAll('svg.chart')]
              .map(c => [...c.querySelectorAll('.series')].reduce((sum, e) => sum + e.getBBox().width * Math.max(e.getBBox().height, 1), 0)))
            """);
        Assert.Equal(2, charts.GetArrayLength());
        foreach (JsonElement section in charts.EnumerateArray())
        {
            Assert.Equal(3, section.GetArrayLength());
            Assert.All(section.EnumerateArray(), area => Assert.True(area.GetDouble() > 0));
        }

        // The GC generations chart stacks each generation's recorded size.
        JsonElement generations = await page.EvaluateAsync("[...document.querySelectorAll('#generations path.area')].map(p => [p.querySelector('title').textContent, p.getBBox().height])");
        Assert.Equal(["gen0", "gen1", "gen2", "LOH", "POH"], generations.EnumerateArray().Select(g => g[0].GetString()));
        Assert.All(generations.EnumerateArray(), g => Assert.True(g[1].GetDouble() > 5, g.ToString()));

        // Hovering the last snapshot shows its values as text.
        JsonElement tip = await page.EvaluateAsync("""
            (() => { const hits = document.querySelectorAll('#timespace .v-heap rect.hit'); const hit = hits[hits.length - 1];
              hit.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
              const tip = document.getElementById('tip');
              return { hidden: tip.hidden, text: tip.textContent,
                       guide: getComputedStyle(document.querySelector('#timespace .v-heap .guide')).visibility }; })()
            """);
        Assert.False(tip.GetProperty("hidden").GetBoolean());
        Assert.Equal("visible", tip.GetProperty("guide").GetString());
        string tipText = tip.GetProperty("text").GetString()!;
        Assert.StartsWith("Snapshot #2 · after layoffs (+2.10 s)", tipText);
        Assert.Contains("Employee: " + ByteUnits.Compact(data.Snapshots[2].Classes[1].Total), tipText);
        Assert.Contains("Process RSS: " + ByteUnits.Compact(data.Snapshots[2].Process.ResidentBytes), tipText);
        // Move the pointer there too, so the tooltip is placed beside it, and keep a picture of the hovered chart.
        await page.EvaluateAsync("""
            (() => { const hits = document.querySelectorAll('#timespace .v-heap rect.hit'); const r = hits[hits.length - 1].getBoundingClientRect();
              document.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 })); })()
            """);
        await page.ScreenshotElementAsync("#timespace", Path.Combine(ChromiumFixture.ArtefactDirectory, "factory-timespace-hover.png"));

        await page.EvaluateAsync("document.querySelector('#timespace .v-heap rect.hit').dispatchEvent(new PointerEvent('pointerout', { bubbles: true }))");
        Assert.True((await page.EvaluateAsync("document.getElementById('tip').hidden")).GetBoolean());
        string screenshot = Path.Combine(ChromiumFixture.ArtefactDirectory, "factory-report.png");
        await page.ScreenshotAsync(screenshot);
        byte[] png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(1280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16))); // IHDR width
        AssertClean(page);
    }

    [Fact]
    public async Task SummaryTableShowsEverySnapshotLineWithInstancesAndSortsByAClickedColumn()
    {
        TrackerData data = TrackerDataFixtures.Factory();
        (ChromiumPage page, _) = await OpenAsync(chromium, data, "factory-sort");
        const string read = "[...document.querySelectorAll('#summary tbody tr')].map(r => [Number(r.cells[0].dataset.v), r.cells[3].textContent, Number(r.cells[4].dataset.v), Number(r.cells[5].dataset.v)])";

        var expected = data.Snapshots.SelectMany((s, i) => s.Classes.Where(c => c.Active > 0).Select(c => (i, c.ClassName, (long)c.Active, c.Total))).ToList();
        Assert.Equal(expected, Rows(await page.EvaluateAsync(read)));

        await page.EvaluateAsync("[...document.querySelectorAll('#summary thead th')].find(h => h.textContent === 'Total').click()");
        Assert.Equal(expected.OrderBy(r => r.Total).ToList(), Rows(await page.EvaluateAsync(read)));
        await page.EvaluateAsync("[...document.querySelectorAll('#summary thead th')].find(h => h.textContent === 'Total').click()");
        Assert.Equal(expected.OrderByDescending(r => r.Total).ToList(), Rows(await page.EvaluateAsync(read)));
        AssertClean(page);

        static List<(int, string, long, long)> Rows(JsonElement rows) => rows.EnumerateArray()
            .Select(r => (r[0].GetInt32(), r[1].GetString()!, r[2].GetInt64(), r[3].GetInt64())).ToList();
    }

    [Fact]
    public async Task ReferentTreeOpensAndClosesAndShowsSizesAtEachSnapshot()
    {
        TrackerData data = TrackerDataFixtures.Factory();
        (ChromiumPage page, _) = await OpenAsync(chromium, data, "factory-tree");
        const string rows = "[...document.querySelectorAll('#o1 tbody tr')].map(r => ({ d: Number(r.dataset.d), name: r.cells[0].textContent.trim(), shown: r.offsetParent !== null, sizes: [...r.cells].slice(1).map(c => c.dataset.v === undefined ? null : Number(c.dataset.v)) }))";

        JsonElement before = await page.EvaluateAsync(rows);
        Assert.Equal(["factory Factory", "employees System.Collections.Generic.List<Employee>", "_items Employee[]", "name System.String"],
            before.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        // Root and its direct referents start open; the array under the list starts folded.
        Assert.Equal([true, true, false, true], before.EnumerateArray().Select(r => r.GetProperty("shown").GetBoolean()));
        // Sizes per snapshot are the recorded ones.
        Assert.Equal(data.Objects[0].Samples.Select(s => s.Referents!.Children[0].Children[0].Size),
            before[2].GetProperty("sizes").EnumerateArray().Select(v => v.GetInt64()));

        await page.EvaluateAsync("document.querySelectorAll('#o1 tbody tr')[1].querySelector('button.tg').click()");
        Assert.True((await page.EvaluateAsync(rows))[2].GetProperty("shown").GetBoolean());
        await page.EvaluateAsync("document.querySelectorAll('#o1 tbody tr')[0].querySelector('button.tg').click()");
        Assert.Equal([true, false, false, false], (await page.EvaluateAsync(rows)).EnumerateArray().Select(r => r.GetProperty("shown").GetBoolean()));
        // Opening the root again restores the inner state: the list was left open.
        await page.EvaluateAsync("document.querySelectorAll('#o1 tbody tr')[0].querySelector('button.tg').click()");
        Assert.Equal([true, true, true, true], (await page.EvaluateAsync(rows)).EnumerateArray().Select(r => r.GetProperty("shown").GetBoolean()));
        AssertClean(page);
    }

    [Fact]
    public async Task DarkSchemeAndPrintMediaChangeThePage()
    {
        TrackerData data = TrackerDataFixtures.Factory();
        const string look = """
            (() => { const lum = c => { const [r, g, b] = c.match(/\d+/g).map(Number); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
              const tree = document.querySelectorAll('#o1 tbody tr')[2];
              return { body: lum(getComputedStyle(document.body).backgroundColor), text: lum(getComputedStyle(document.body).color),
                       nav: getComputedStyle(document.querySelector('nav.toc')).display, folded: tree.offsetParent !== null }; })()
            """;
        (ChromiumPage light, _) = await OpenAsync(chromium, data, "factory-light", "light");
        JsonElement l = await light.EvaluateAsync(look);
        Assert.True(l.GetProperty("body").GetDouble() > 0.9 && l.GetProperty("text").GetDouble() < 0.3, l.ToString());

        (ChromiumPage dark, _) = await OpenAsync(chromium, data, "factory-dark", "dark");
        JsonElement d = await dark.EvaluateAsync(look);
        Assert.True(d.GetProperty("body").GetDouble() < 0.15 && d.GetProperty("text").GetDouble() > 0.8, d.ToString());
        await dark.ScreenshotAsync(Path.Combine(ChromiumFixture.ArtefactDirectory, "factory-report-dark.png"), maxHeight: 1400);

        // Print: no navigation, folded tree rows printed too, white paper even in a dark scheme.
        await dark.EmulateAsync("print", "dark");
        JsonElement p = await dark.EvaluateAsync(look);
        Assert.Equal("none", p.GetProperty("nav").GetString());
        Assert.True(p.GetProperty("folded").GetBoolean());
        Assert.True(p.GetProperty("body").GetDouble() > 0.9, p.ToString());
        AssertClean(light);
        AssertClean(dark);
    }

    [Fact]
    public async Task ReportWithoutSnapshotsOrObjectsStillOpensCleanly()
    {
        var empty = new TrackerData(new RunInfo("Empty", 1, "dotnet empty.dll", ".NET 10.0.0", "0.1.0", TrackerDataFixtures.Start), [], [], []);
        (ChromiumPage page, _) = await OpenAsync(chromium, empty, "empty-report");
        JsonElement state = await page.EvaluateAsync("({ charts: document.querySelectorAll('svg.chart').length, note: document.querySelector('#overview .note').textContent })");
        Assert.Equal(0, state.GetProperty("charts").GetInt32());
        Assert.StartsWith("No snapshots were taken", state.GetProperty("note").GetString());
        AssertClean(page);
    }
}
