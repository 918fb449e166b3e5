using static Heapmon.Tests.CliRunner;
using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>`heapmon html FILE -o report.html` over a real stats dump.</summary>
public sealed class HtmlCommandTests
{
    [Fact]
    public void ADumpRendersExactlyLikeTheLiveData()
    {
        string dir = TestPaths.NewTempDirectory("html-cli");
        string dump = Path.Combine(dir, "profile.dat");
        TrackerData data = TrackerDataFixtures.Factory();
        new Heapmon.Stats.TrackerStats(data).DumpStats(dump);

        (int exit, string output, string error) = RunCli("html", dump, "-o", Path.Combine(dir, "report.html"));
        Assert.True(exit == 0, error);
        Assert.Equal("", output);
        Assert.StartsWith($"heapmon: wrote {Path.Combine(dir, "report.html")} (", error);
        Assert.Equal(new HtmlStats(data).RenderToString(), File.ReadAllText(Path.Combine(dir, "report.html")));

        // Without -o the report goes next to the dump.
        Assert.Equal(0, RunCli("html", dump, "--title", "Nightly <build>").Exit);
        Assert.Contains("<title>Nightly &lt;build&gt;</title>", File.ReadAllText(Path.Combine(dir, "profile.html")));
    }

    [Fact]
    public void BadInputGivesOneLineAndExitCode2AndLosesNothing()
    {
        string dir = TestPaths.NewTempDirectory("html-cli");
        string dump = Path.Combine(dir, "profile.dat");
        new Heapmon.Stats.TrackerStats(TrackerDataFixtures.Factory()).DumpStats(dump);
        byte[] original = File.ReadAllBytes(dump);

        (int exit, _, string error) = RunCli("html", Path.Combine(dir, "missing.dat"), "-o", Path.Combine(dir, "r.html"));
        Assert.Equal(2, exit);
        Assert.StartsWith("heapmon: error: ", error);
        Assert.Contains("missing.dat", error);

        File.WriteAllText(Path.Combine(dir, "garbage.dat"), "not a stats file");
        (exit, _, error) = RunCli("html", Path.Combine(dir, "garbage.dat"), "-o", Path.Combine(dir, "r.html"));
        Assert.Equal(2, exit);
        Assert.Contains("garbage.dat", error);

        (exit, _, error) = RunCli("html", dump, "-o", dump);
        Assert.Equal(2, exit);
        Assert.Contains("overwrite its own input", error);

        (exit, _, error) = RunCli("html", dump, "-o", Path.Combine(dir, "nowhere", "r.html"));
        Assert.Equal(2, exit);
        Assert.Contains("does not exist", error);

        (exit, _, error) = RunCli("html", dump, "--largest", "-3");
        Assert.Equal(2, exit);
        Assert.Contains("--largest must be 0 or more, not -3", error);

        Assert.Equal(original, File.ReadAllBytes(dump));
        Assert.Equal(["garbage.dat", "profile.dat"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        Assert.Equal(1, error.Count(c => c == '\n'));
    }
}
