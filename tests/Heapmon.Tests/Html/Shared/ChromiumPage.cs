using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Heapmon.Tests.Html;

/// <summary>One tab of <see cref="HeadlessChromium"/>: what it logged, which dialogs it opened, and script evaluation.</summary>
internal sealed class ChromiumPage
{
    private readonly HeadlessChromium _browser;
    private readonly string _session;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _dialogs = new();
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ChromiumPage(HeadlessChromium browser, string session)
    {
        _browser = browser;
        _session = session;
        browser.EventReceived += OnEvent;
    }

    /// <summary>Console errors, uncaught exceptions and browser log errors (a CSP violation is one), as text.</summary>
    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    /// <summary>Every alert, confirm or prompt the page tried to open (each is dismissed).</summary>
    public IReadOnlyCollection<string> Dialogs => _dialogs.ToArray();

    internal async Task PrepareAsync(int width, int height, string? colorScheme)
    {
        await SendAsync("Page.enable");
        await SendAsync("Runtime.enable");
        await SendAsync("Log.enable");
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        if (colorScheme is not null) await EmulateAsync(null, colorScheme);
    }

    /// <summary>Emulates a media type (screen, print) and a colour scheme (light, dark).</summary>
    public Task EmulateAsync(string? media, string? colorScheme)
    {
        var features = new JsonArray();
        if (colorScheme is not null) features.Add(new JsonObject { ["name"] = "prefers-color-scheme", ["value"] = colorScheme });
        return SendAsync("Emulation.setEmulatedMedia", new JsonObject { ["media"] = media ?? "", ["features"] = features });
    }

    internal async Task NavigateAsync(string url)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JsonNode? result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        if (result?["errorText"] is JsonNode error) throw new InvalidOperationException($"Chromium could not open {url}: {error}");
        Task winner = await Task.WhenAny(_loaded.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (winner != _loaded.Task) throw new TimeoutException($"{url} fired no load event within 60 s.");
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (promises awaited) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        JsonNode? result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result?["exceptionDetails"] is JsonNode details) throw new InvalidOperationException("Script failed in the page: " + details.ToJsonString());
        JsonNode? value = result?["result"]?["value"];
        return value is null ? default : JsonDocument.Parse(value.ToJsonString()).RootElement.Clone();
    }

    /// <summary>Saves a PNG of the page, up to <paramref name="maxHeight"/> CSS pixels of it, to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path, int maxHeight = 4000)
    {
        JsonNode? metrics = await SendAsync("Page.getLayoutMetrics");
        double width = metrics!["cssContentSize"]!["width"]!.GetValue<double>();
        double height = Math.Min(maxHeight, metrics["cssContentSize"]!["height"]!.GetValue<double>());
        JsonNode? shot = await SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = width, ["height"] = height, ["scale"] = 1 },
        });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot!["data"]!.GetValue<string>()));
    }

    /// <summary>Saves a PNG of the element matched by <paramref name="selector"/> to <paramref name="path"/>.</summary>
    public async Task ScreenshotElementAsync(string selector, string path)
    {
        JsonElement box = await EvaluateAsync($"(() => {{ const r = document.querySelector({JsonSerializer.Serialize(selector)}).getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width, r.height]; }})()");
        JsonNode? shot = await SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject { ["x"] = box[0].GetDouble(), ["y"] = box[1].GetDouble(), ["width"] = box[2].GetDouble(), ["height"] = box[3].GetDouble(), ["scale"] = 1 },
        });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot!["data"]!.GetValue<string>()));
    }

    private Task<JsonNode?> SendAsync(string method, JsonObject? parameters = null) => _browser.SendAsync(method, parameters, _session);

    private void OnEvent(string method, string? session, JsonNode? parameters)
    {
        if (session != _session) return;
        string? Text(JsonNode? node, string name) => node is JsonObject o && o.TryGetPropertyValue(name, out JsonNode? v) ? v?.ToString() : null;
        JsonObject? args = parameters as JsonObject;
        switch (method)
        {
            case "Page.loadEventFired":
                _loaded.TrySetResult();
                break;
            case "Page.javascriptDialogOpening":
                _dialogs.Enqueue(Text(args, "type") + ": " + Text(args, "message"));
                // Dismiss it on another thread: the reader loop must stay free to receive the reply.
                _ = Task.Run(() => SendAsync("Page.handleJavaScriptDialog", new JsonObject { ["accept"] = false }));
                break;
            case "Runtime.consoleAPICalled":
                if (Text(args, "type") is "error" or "assert")
                {
                    JsonArray values = args!["args"] as JsonArray ?? [];
                    _errors.Enqueue("console: " + string.Join(' ', values.Select(a => Text(a, "value") ?? Text(a, "description"))));
                }
                break;
            case "Runtime.exceptionThrown":
                _errors.Enqueue("exception: " + args?["exceptionDetails"]?.ToJsonString());
                break;
            case "Log.entryAdded":
                JsonNode? entry = args?["entry"];
                if (Text(entry, "level") == "error") _errors.Enqueue("log (" + Text(entry, "source") + "): " + Text(entry, "text"));
                break;
        }
    }
}
