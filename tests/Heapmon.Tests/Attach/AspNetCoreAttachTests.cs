using System.Diagnostics;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tests.Run;

namespace Heapmon.Tests.Attach;

/// <summary>An ASP.NET Core service under loopback load: heapmon attaches, tracks its leak, detaches; no request fails.</summary>
[Collection(AttachCollection.Name)]
public sealed class AspNetCoreAttachTests
{
    /// <summary>The web app from its own output folder (its runtimeconfig names the ASP.NET Core shared framework).</summary>
    private static string WebApp
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(TestPaths.RepoRoot, "tests", "Heapmon.Tests.WebApp", "bin", output.Parent!.Name, output.Name, "Heapmon.Tests.WebApp.dll");
        }
    }

    [Fact]
    public async Task TrackingALeakUnderLoadCountsWhatTheServiceCounts()
    {
        using RunningProgram service = RunningProgram.Start([ChildProcess.DotnetHost, "exec", WebApp], "listening ");
        var url = new Uri(service.WaitForLine("listening ", TimeSpan.FromSeconds(5))["listening ".Length..]);
        string dump = Path.Combine(TestPaths.NewTempDirectory("attach-web"), "leak.json.gz");
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };

        // Bounded load: four loops for three seconds, at most 20,000 requests, loopback only.
        int sent = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        async Task Loop()
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(3) && Interlocked.Increment(ref sent) <= 20_000)
            {
                try
                {
                    using HttpResponseMessage response = await http.PostAsync("/leak", null);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref failed); }
            }
        }
        Task load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Loop)));
        using Process track = AttachHarness.Start("track", "--pid", service.Pid.ToString(), "--track", "WebApp.SessionRecord", "--interval", "1", "--duration", "5", "-o", dump);
        await load;
        ChildResult tracked = AttachHarness.Finish(track, TimeSpan.FromMinutes(2));
        int counted = int.Parse(await http.GetStringAsync("/count"));

        Assert.True(tracked.ExitCode == 0, tracked.ToString());
        Assert.Equal(0, failed);
        Assert.True(counted > 100, $"only {counted} requests made it");
        TrackerData data = TrackerStats.Load(dump).Data;
        Assert.Equal(counted, data.Snapshots[^1].Classes.Single(c => c.ClassName == "WebApp.SessionRecord").Active);
        Assert.False(Directory.Exists(AttachHarness.ChannelDirectory(service.Pid)));
        Assert.DoesNotContain(service.StdOut.Concat(service.StdErr), l => l.Contains("heapmon", StringComparison.OrdinalIgnoreCase));
    }
}
