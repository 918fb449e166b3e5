namespace Heapmon.Tests.Html;

/// <summary>Without a browser the browser tests fail, with the reason and the fix, instead of passing silently.</summary>
public sealed class HeadlessChromiumTests
{
    [Fact]
    public async Task AMissingBrowserIsAnErrorThatSaysHowToInstallOne()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => HeadlessChromium.StartAsync("/nonexistent/chromium"));
        Assert.Contains("/nonexistent/chromium does not exist", e.Message);
        Assert.Contains("apt-get install chromium", e.Message);
    }
}
