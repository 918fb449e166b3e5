using System.Text.Json;
using Heapmon.Model;
using Heapmon.Samples.Factory;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>
/// The Factory sample's classes and functions (Pympler's tutorial example) run under a real <see cref="ClassTracker"/> in this
/// process — the factory tracked with resolution level 1, Employee tracked as a class, four labelled snapshots through
/// hiring and layoffs — and the report of what it recorded opened in Chromium.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class FactorySampleReportTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task FactorySampleReportOpensCleanlyAndChartsWhatTheTrackerRecorded()
    {
        TrackerData data;
        using (var tracker = new ClassTracker())
        {
            Factory factory = FactoryExample.CreateFactory();
            tracker.TrackObject(factory, resolutionLevel: 1);
            tracker.TrackClass<Employee>();
            tracker.CreateSnapshot("before populate");
            FactoryExample.PopulateFactory(factory);
            tracker.CreateSnapshot("after populate");
            FactoryExample.PopulateFactory(factory, 2000);
            tracker.CreateSnapshot("more hiring");
            factory.Employees.RemoveRange(0, 2000);
            GC.Collect();
            tracker.CreateSnapshot("after layoffs");
            GC.KeepAlive(factory);
            data = tracker.ToData();
        }
        Assert.Equal(4, data.Snapshots.Count);

        string path = Path.Combine(ChromiumFixture.ArtefactDirectory, "factory-sample.html");
        new HtmlStats(data).CreateHtml(path);
        ChromiumPage page = await chromium.Browser.OpenAsync(new Uri(path).AbsoluteUri);

        // The stack has one area per class the snapshots name, in that order, and a hover band per snapshot.
        List<string> classes = data.Snapshots.SelectMany(s => s.Classes.Select(c => c.ClassName)).Distinct().ToList();
        JsonElement chart = await page.EvaluateAsync("""
            (() => { const svg = document.querySelector('#timespace .v-tracked svg.chart');
              return { areas: [...svg.querySelectorAll('path.area')].map(p => p.querySelector('title').textContent),
                       height: Math.max(...[...svg.querySelectorAll('path.area')].map(p => p.getBoundingClientRect().height)),
                       hits: svg.querySelectorAll('rect.hit').length }; })()
            """);
        Assert.Equal(classes, chart.GetProperty("areas").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(data.Snapshots.Count, chart.GetProperty("hits").GetInt32());

        // The summary table holds exactly the tracker's lines with instances.
        JsonElement rows = await page.EvaluateAsync("[...document.querySelectorAll('#summary tbody tr')].map(r => [r.cells[3].textContent, Number(r.cells[4].dataset.v), Number(r.cells[5].dataset.v)])");
        var expected = data.Snapshots.SelectMany(s => s.Classes.Where(c => c.Active > 0).Select(c => (c.ClassName, (long)c.Active, c.Total))).ToList();
        Assert.Equal(expected, rows.EnumerateArray().Select(r => (r[0].GetString()!, r[1].GetInt64(), r[2].GetInt64())).ToList());

        // The hover values at the busiest snapshot are the recorded ones.
        int busiest = Enumerable.Range(0, data.Snapshots.Count).MaxBy(i => data.Snapshots[i].TrackedTotal);
        string tip = (await page.EvaluateAsync($$"""
            (() => { const hit = document.querySelectorAll('#timespace .v-heap rect.hit')[{{busiest}}];
              hit.dispatchEvent(new PointerEvent('pointerover', { bubbles: true })); return document.getElementById('tip').textContent; })()
            """)).GetString()!;
        foreach (ClassSummary line in data.Snapshots[busiest].Classes)
            Assert.Contains($"{line.ClassName}: {ByteUnits.Compact(line.Total)}", tip);

        // The factory, tracked with a resolution level, has its referent tree.
        TrackedObjectRecord tracked = Assert.Single(data.Objects, o => o.ResolutionLevel > 0);
        int treeRows = (await page.EvaluateAsync($"document.querySelectorAll('#o{tracked.Id} tbody tr').length")).GetInt32();
        Assert.True(treeRows >= 2, $"{treeRows} tree rows");

        await page.EvaluateAsync("document.querySelector('#timespace .v-heap rect.hit').dispatchEvent(new PointerEvent('pointerout', { bubbles: true }))");
        await page.ScreenshotAsync(Path.Combine(ChromiumFixture.ArtefactDirectory, "factory-sample.png"));
        Assert.Empty(page.Errors);
        Assert.Empty(page.Dialogs);
    }
}
