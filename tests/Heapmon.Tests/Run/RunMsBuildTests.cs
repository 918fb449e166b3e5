using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Run;

/// <summary>
/// A real program nobody here wrote: MSBuild, running in-process in `dotnet build`, profiled unchanged
/// (the part SCons played in the Heapmonitor's tutorial), with a wildcard that matches about a thousand
/// classes. Slow (a real build): filter with Category!=Slow, but CI runs it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class RunMsBuildTests
{
    [Fact]
    public void DotnetBuildUnderHeapmonRunNamesMsBuildClassesInReportsThatScale()
    {
        string dir = TestPaths.NewTempDirectory("run-msbuild");
        string solution = TinySolution.Create(Path.Combine(dir, "src"));
        string html = Path.Combine(dir, "build.html");
        string dump = Path.Combine(dir, "build.json.gz");
        string text = Path.Combine(dir, "build.txt");

        ChildResult result = RunHarness.Heapmon(
            ["run", "--track", "Microsoft.Build.*", "--output", html, "--output", dump, "--output", text, "--",
             "dotnet", "build", solution, "-nodeReuse:false", "-m:1"],
            environment: TinySolution.CleanBuildEnvironment, timeout: TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Build succeeded.", result.StdOut);
        TrackerData data = RunHarness.LoadDump(dump);
        string[] classes = data.Classes.Select(c => c.ClassName).ToArray();
        Assert.Contains("Microsoft.Build.Execution.BuildManager", classes);
        Assert.Contains("Microsoft.Build.Execution.ProjectInstance", classes);
        Assert.All(classes, c => Assert.StartsWith("Microsoft.Build.", c));
        Assert.True(classes.Length > 300, $"{classes.Length} classes matched");
        // Plausible counts at exit: one build manager, and the targets and tasks of the SDK's imports
        // (hundreds for any SDK project), kept by MSBuild's project cache.
        Snapshot exit = data.Snapshots[^1];
        Assert.Equal("exit", exit.Description);
        int Active(string name) => exit.Classes.SingleOrDefault(c => c.ClassName == "Microsoft.Build.Execution." + name)?.Active ?? 0;
        Assert.Equal(1, Active("BuildManager"));
        Assert.InRange(Active("ProjectTargetInstance"), 100, 100_000);
        Assert.InRange(Active("ProjectTaskInstance"), 100, 100_000);
        Assert.All(exit.Classes.Where(c => c.Active > 0), c => Assert.True(c.Total >= c.Active * 24L, $"{c.ClassName}: {c.Total} bytes for {c.Active}"));
        // Reports that scale to a wildcard's classes: a small page naming every class, a summary without
        // empty rows, and no class above its snapshot's total.
        string report = File.ReadAllText(html);
        Assert.True(new FileInfo(html).Length <= 2 * 1024 * 1024, $"report of {classes.Length} classes: {new FileInfo(html).Length:N0} bytes");
        Assert.All(classes, c => Assert.Contains(">" + global::Heapmon.Stats.HtmlText.Encode(c) + "<", report));
        Assert.Contains("<a href=\"#classes\">Classes (", report);
        string[] summary = File.ReadAllLines(text);
        string[] classLines = [.. summary.Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.EndsWith('%'))];
        Assert.NotEmpty(classLines);
        Assert.DoesNotContain(classLines, l => l[35..].TrimStart().StartsWith("0 ", StringComparison.Ordinal));
        Assert.All(classLines, l => Assert.InRange(int.Parse(l[^5..^1], System.Globalization.CultureInfo.InvariantCulture), 0, 100));
        Assert.All(data.Snapshots, s => Assert.All(s.Classes, c => Assert.InRange(s.ShareOf(c.Total), 0, 1)));
        // One process profiled, one set of outputs: the compiler server and any node MSBuild starts run unprofiled.
        Assert.Equal(["build.html", "build.json.gz", "build.txt"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order().ToArray());
        Assert.Equal(3, result.StdErr.Split('\n').Count(l => l.StartsWith("heapmon: wrote ", StringComparison.Ordinal)));
    }
}

/// <summary>A one-project solution to build, away from this repository's build settings.</summary>
internal static class TinySolution
{
    /// <summary>Writes the solution under <paramref name="dir"/> and returns its path.</summary>
    public static string Create(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "Tiny"));
        // Empty props files stop MSBuild from walking up into a parent folder's settings.
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(dir, "Tiny", "Tiny.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        File.WriteAllText(Path.Combine(dir, "Tiny", "Shapes.cs"),
            "namespace Tiny;\npublic sealed record Circle(double Radius) { public double Area => System.Math.PI * Radius * Radius; }\n");
        string solution = Path.Combine(dir, "Tiny.slnx");
        File.WriteAllText(solution, "<Solution>\n  <Project Path=\"Tiny/Tiny.csproj\" />\n</Solution>\n");
        return solution;
    }

    /// <summary>The test host runs under `dotnet test` (itself MSBuild): don't let its MSBuild settings leak into the nested build.</summary>
    public static IReadOnlyDictionary<string, string?> CleanBuildEnvironment { get; } = new Dictionary<string, string?>
    {
        ["MSBuildExtensionsPath"] = null,
        ["MSBuildSDKsPath"] = null,
        ["MSBUILD_EXE_PATH"] = null,
        ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };
}
