namespace Heapmon.Tests.Html;

/// <summary>One headless Chromium for the browser tests of a class; a missing browser fails them with an install hint.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private HeadlessChromium? _browser;
    private Exception? _startFailure;

    internal HeadlessChromium Browser => _browser ?? throw new InvalidOperationException(_startFailure?.Message ?? "Chromium did not start.", _startFailure);

    /// <summary>Where screenshots and rendered reports are kept for a person to look at: TestResults/html.</summary>
    internal static string ArtefactDirectory
    {
        get
        {
            string dir = Path.Combine(TestPaths.RepoRoot, "TestResults", "html");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        // Record the failure instead of throwing here, so each test reports the clear message itself.
        try { _browser = await HeadlessChromium.StartAsync(); }
        catch (Exception e) { _startFailure = e; }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
    }
}
