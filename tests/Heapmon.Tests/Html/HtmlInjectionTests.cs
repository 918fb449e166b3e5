using System.Text.Json;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>
/// Names are data, never markup: a report whose every name is hostile (<c>&lt;script&gt;alert(1)&lt;/script&gt;</c>,
/// compiler-generated and generic type names, quotes, ampersands) shows them as text and runs no injected script.
/// </summary>
public sealed class HtmlInjectionTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task HostileNamesAreShownAsTextAndNoDialogEverOpens()
    {
        TrackerData data = TrackerDataFixtures.Hostile();
        string path = Path.Combine(ChromiumFixture.ArtefactDirectory, "hostile-report.html");
        new HtmlStats(data).CreateHtml(path);
        ChromiumPage page = await chromium.Browser.OpenAsync(new Uri(path).AbsoluteUri);

        // Give any injected timer or handler a moment to fire, and hover every chart band (an onmouseover would run).
        await page.EvaluateAsync("(async () => { for (const h of document.querySelectorAll('.hit')) h.dispatchEvent(new PointerEvent('pointerover', { bubbles: true })); await new Promise(r => setTimeout(r, 300)); })()");
        Assert.Empty(page.Dialogs);
        Assert.Empty(page.Errors); // a script blocked by the CSP would be logged here too

        JsonElement dom = await page.EvaluateAsync("""
            ({ scripts: document.scripts.length,
               injected: document.querySelectorAll('img, iframe, object, embed, b, body svg:not(.chart), svg.chart svg').length,
               handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
               title: document.title,
               classes: [...document.querySelectorAll('section.class h2 code')].map(c => c.textContent),
               legend: [...document.querySelectorAll('#timespace ul.legend a')].map(a => a.textContent),
               objects: [...document.querySelectorAll('section.object h3')].map(h => h.firstChild.textContent.trim()),
               labels: [...document.querySelectorAll('#snapshot-table tbody tr')].map(r => r.cells[1].textContent),
               process: document.querySelector('dl.run dd').textContent,
               frames: [...document.querySelectorAll('table.sites code')].map(c => c.textContent) })
            """);
        Assert.Equal(1, dom.GetProperty("scripts").GetInt32());
        Assert.Equal(0, dom.GetProperty("injected").GetInt32());
        Assert.Empty(dom.GetProperty("handlers").EnumerateArray());
        Assert.Equal("Heapmon report: " + TrackerDataFixtures.HostileNames[0], dom.GetProperty("title").GetString());
        Assert.Equal(TrackerDataFixtures.HostileNames, Strings(dom, "classes"));
        Assert.Equal(TrackerDataFixtures.HostileNames, Strings(dom, "legend"));
        Assert.Equal(data.Objects.Select(o => o.Name), Strings(dom, "objects"));
        Assert.Equal([TrackerDataFixtures.HostileNames[0], TrackerDataFixtures.HostileNames[2]], Strings(dom, "labels"));
        Assert.Equal($"{TrackerDataFixtures.HostileNames[0]} (pid 4242)", dom.GetProperty("process").GetString());
        Assert.Contains("<>c.<Main>b__0_0()", Strings(dom, "frames"));

        // The tooltip shows a hostile name as text.
        JsonElement tip = await page.EvaluateAsync("""
            (() => { const hit = document.querySelector('#timespace .v-heap rect.hit'); hit.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
              const tip = document.getElementById('tip'); return { text: tip.textContent, children: tip.children.length }; })()
            """);
        Assert.Contains(TrackerDataFixtures.HostileNames[0] + ": ", tip.GetProperty("text").GetString());
        Assert.Equal(0, tip.GetProperty("children").GetInt32());
        await page.ScreenshotAsync(Path.Combine(ChromiumFixture.ArtefactDirectory, "hostile-report.png"), maxHeight: 1600);
    }

    [Fact]
    public async Task TheDialogAndErrorDetectorsDoCatchAnInjectedScript()
    {
        // The control for the test above: the same kind of name, written raw, is caught.
        string path = Path.Combine(ChromiumFixture.ArtefactDirectory, "unescaped-control.html");
        await File.WriteAllTextAsync(path, "<!DOCTYPE html><title>control</title><p>" + TrackerDataFixtures.HostileNames[0] + "</p><script>console.error('boom')</script>");
        ChromiumPage page = await chromium.Browser.OpenAsync(new Uri(path).AbsoluteUri);
        await page.EvaluateAsync("new Promise(r => setTimeout(r, 100))");
        Assert.Equal(["alert: 1"], page.Dialogs);
        Assert.Contains(page.Errors, e => e.Contains("boom", StringComparison.Ordinal));
    }

    [Fact]
    public void NoHostileNameAppearsUnencodedInTheHtml()
    {
        string html = new HtmlStats(TrackerDataFixtures.Hostile()).RenderToString();
        foreach (string name in TrackerDataFixtures.HostileNames)
        {
            if (name.AsSpan().IndexOfAny("<>&\"'") < 0) continue;
            Assert.DoesNotContain(name, html, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(name), html, StringComparison.Ordinal);
        }
        // Our one script and style, nothing else opens an element that runs code.
        Assert.Equal(1, Count(html, "<script"));
        Assert.Equal(1, Count(html, "</script"));
        Assert.Equal(0, Count(html, "<img"));
        // Encoded names still contain "onerror=" as text; what must not exist is a real tag carrying a handler.
        Assert.Contains("onerror=alert(3)", html, StringComparison.Ordinal);
        // Attribute values cannot hold a raw quote (it is encoded), so blanking them leaves only real markup.
        string markup = System.Text.RegularExpressions.Regex.Replace(html, "=\"[^\"]*\"", "=\"\"");
        Assert.DoesNotMatch(@"<[a-zA-Z][^<>]*\son[a-z]+\s*=", markup);
    }

    private static string[] Strings(JsonElement dom, string property) => dom.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.OrdinalIgnoreCase)) count++;
        return count;
    }
}
