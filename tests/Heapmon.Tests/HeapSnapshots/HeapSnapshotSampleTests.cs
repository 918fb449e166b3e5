using System.Globalization;

namespace Heapmon.Tests.HeapSnapshots;

/// <summary>
/// samples/HeapSnapshots in a quiet child process: the diff it prints names the leak, and the retained
/// size it reports is what a full GC frees when the cache is dropped ("collect it and see": exactly, in most runs).
/// </summary>
public sealed class HeapSnapshotSampleTests
{
    [Fact]
    public void SampleFindsTheLeakAndItsRetainedSizeIsWhatAFullGcFrees()
    {
        string folder = TestPaths.NewTempDirectory("heapsnap-sample");
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("HeapSnapshots"), [folder]);
        Assert.True(result.ExitCode == 0, result.ToString());

        string check = result.StdOut.Split('\n').Single(l => l.StartsWith("check|", StringComparison.Ordinal));
        Dictionary<string, string> values = check.Split('|').Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        long retained = long.Parse(values["retained"], CultureInfo.InvariantCulture);
        Assert.True(retained > 5_000 * 48, result.ToString());
        // The runtime's own threads may free a few KiB of their own meanwhile (measured: 8 KiB in one run of three).
        Assert.InRange(long.Parse(values["freed"], CultureInfo.InvariantCulture), retained - 16 * 1024, retained + 64 * 1024);

        string order = result.StdOut.Split('\n').Single(l => l.TrimEnd().EndsWith(" Shop.Order", StringComparison.Ordinal));
        string[] cells = order.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["6,000", "+5,000", "288,000", "+240,000"], cells[..4]);
        // The 100,000 strings the sample makes and drops between the snapshots must not be counted (5,000 orders add
        // 5,000 names; the runtime's own strings come and go by a few thousand).
        string strings = result.StdOut.Split('\n').Single(l => l.TrimEnd().EndsWith(" System.String", StringComparison.Ordinal));
        Assert.InRange(long.Parse(strings.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.AllowThousands | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), 0, 20_000);
        Assert.Contains("6,000 instances of Shop.Order", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("held by static Shop.OrderCache.s_orders through System.Collections.Generic.Dictionary<System.Int32, Shop.Order>", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("+5,000 since the first snapshot", result.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "before.heapsnap")) && File.Exists(Path.Combine(folder, "after.heapsnap")));
    }
}
