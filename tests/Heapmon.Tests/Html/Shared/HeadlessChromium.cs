using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Heapmon.Tests.Html;

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol (a WebSocket and JSON, no extra package):
/// open a page, wait for its load event, evaluate script, collect console errors and dialogs, take screenshots.
/// Shared by the HTML tests and the scale benchmark.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1); // a WebSocket allows one send at a time
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;

    /// <summary>Raised for every protocol event: method, session id, params.</summary>
    public event Action<string, string?, JsonNode?>? EventReceived;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser to run: $HEAPMON_CHROMIUM, else chromium (or chromium-browser, google-chrome) on the PATH.</summary>
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("HEAPMON_CHROMIUM") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : null;
        string[] names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin"))
            foreach (string name in names)
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    /// <summary>Starts the browser; throws with an install hint when there is none (the browser tests must not pass without one).</summary>
    public static async Task<HeadlessChromium> StartAsync(string? executable = null)
    {
        executable ??= FindExecutable();
        if (executable is null || !File.Exists(executable))
            throw new InvalidOperationException(
                $"Chromium was not found ({(executable is null ? "looked for $HEAPMON_CHROMIUM, then chromium, chromium-browser, google-chrome on the PATH" : executable + " does not exist")}). " +
                "The HTML report tests need a real browser: install it with `apt-get install chromium` (.ci/run does).");
        string profile = Path.Combine(Path.GetTempPath(), "heapmon-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var info = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank",
        }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + executable);
        var browser = new HeadlessChromium(process, profile);
        try
        {
            _ = process.StandardOutput.ReadToEndAsync();
            // Chromium prints "DevTools listening on ws://…" on stderr once the port is open.
            var stderr = new StringBuilder();
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                {
                    lock (stderr) stderr.AppendLine(line);
                    const string marker = "DevTools listening on ";
                    int at = line.IndexOf(marker, StringComparison.Ordinal);
                    if (at >= 0) found.TrySetResult(line[(at + marker.Length)..].Trim());
                }
                found.TrySetException(new InvalidOperationException($"{executable} exited before opening DevTools:\n{stderr}"));
            });
            Task winner = await Task.WhenAny(found.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            if (winner != found.Task)
                throw new TimeoutException($"{executable} did not open DevTools within 60 s:\n{stderr}");
            await browser._socket.ConnectAsync(new Uri(await found.Task), CancellationToken.None);
            browser._reader = Task.Run(browser.ReadLoop);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a new tab on <paramref name="url"/> and waits for its load event.</summary>
    public async Task<ChromiumPage> OpenAsync(string url, int width = 1280, int height = 900, string? colorScheme = null)
    {
        JsonNode? target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        string targetId = target!["targetId"]!.GetValue<string>();
        JsonNode? attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = targetId, ["flatten"] = true });
        var page = new ChromiumPage(this, attached!["sessionId"]!.GetValue<string>());
        await page.PrepareAsync(width, height, colorScheme);
        await page.NavigateAsync(url);
        return page;
    }

    internal async Task<JsonNode?> SendAsync(string method, JsonObject? parameters = null, string? sessionId = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (sessionId is not null) message["sessionId"] = sessionId;
        var reply = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        byte[] bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync();
        try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _sending.Release(); }
        Task winner = await Task.WhenAny(reply.Task, Task.Delay(s_commandTimeout));
        _pending.TryRemove(id, out _);
        if (winner != reply.Task) throw new TimeoutException($"Chromium did not answer {method} within {s_commandTimeout.TotalSeconds} s.");
        return await reply.Task;
    }

    private async Task ReadLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                JsonNode? node = JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
                if (node?["id"] is JsonNode idNode && _pending.TryGetValue(idNode.GetValue<int>(), out var reply))
                {
                    if (node["error"] is JsonNode error) reply.TrySetException(new InvalidOperationException("DevTools error: " + error.ToJsonString()));
                    else reply.TrySetResult(node["result"]);
                }
                else if (node?["method"] is JsonNode method)
                    EventReceived?.Invoke(method.GetValue<string>(), node["sessionId"]?.GetValue<string>(), node["params"]);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        foreach (var pending in _pending.Values) pending.TrySetException(new InvalidOperationException("The DevTools connection closed."));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException) { }
        _socket.Dispose();
        _sending.Dispose();
        if (_reader is not null) await Task.WhenAny(_reader, Task.Delay(2000));
        // Only the browser this object started, by its own process id.
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
