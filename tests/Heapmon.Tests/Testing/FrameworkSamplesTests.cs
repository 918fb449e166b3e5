using System.Xml.Linq;
using Heapmon.Tests.Run;
using Xunit.Abstractions;

namespace Heapmon.Tests.Testing;

/// <summary>
/// samples/Testing holds one suite in xunit v2, xunit v3, NUnit and MSTest: run together with <c>dotnet test</c>,
/// each must report the passing test passed and the deliberate leak failed, with a message that names the
/// static that holds the connections (read back from the run's TRX file).
/// </summary>
[Trait("Category", "Slow")]
public sealed class FrameworkSamplesTests(ITestOutputHelper output)
{
    private static readonly XNamespace s_trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    private static readonly string[] s_frameworks = ["XunitV2", "XunitV3", "NUnit", "MSTest"];

    public static TheoryData<string> Samples => new(s_frameworks);

    /// <summary>One <c>dotnet test</c> of the four suites (samples/Testing/Testing.slnx), built and run side by side; each TRX file read back.</summary>
    private static readonly Lazy<(ChildResult Run, Dictionary<string, XDocument> Trx)> s_run = new(RunAllSamples);

    private static (ChildResult, Dictionary<string, XDocument>) RunAllSamples()
    {
        string results = TestPaths.NewTempDirectory("samples-testing");
        string solution = Path.Combine(TestPaths.RepoRoot, "samples", "Testing", "Testing.slnx");
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        ChildResult run = ChildProcess.Run(ChildProcess.DotnetHost,
            ["test", solution, "-c", configuration, "-nologo", "--logger", "trx", "--results-directory", results],
            TinySolution.CleanBuildEnvironment, TestPaths.RepoRoot, timeout: TimeSpan.FromMinutes(8));
        // Each TRX names the test assembly it ran (XunitV2Sample.dll, ...): the framework is in its name.
        var byFramework = new Dictionary<string, XDocument>();
        foreach (string file in Directory.EnumerateFiles(results, "*.trx", SearchOption.AllDirectories))
        {
            XDocument trx = XDocument.Load(file);
            string? storage = trx.Descendants(s_trx + "UnitTest").Select(t => (string?)t.Attribute("storage")).FirstOrDefault();
            string? framework = storage is null ? null : s_frameworks.FirstOrDefault(f => Path.GetFileName(storage).StartsWith(f + "Sample", StringComparison.OrdinalIgnoreCase));
            if (framework is not null) byFramework[framework] = trx;
        }
        return (run, byFramework);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void TheLeakFailsNamingItsStaticRootAndTheCleanTestPasses(string framework)
    {
        (ChildResult run, Dictionary<string, XDocument> trxByFramework) = s_run.Value;
        output.WriteLine(run.ToString());
        Assert.True(trxByFramework.TryGetValue(framework, out XDocument? trx), $"no TRX file for {framework}: {run}");
        Assert.NotEqual(0, run.ExitCode);

        Dictionary<string, XElement> byTest = trx.Descendants(s_trx + "UnitTestResult")
            .ToDictionary(r => ((string)r.Attribute("testName")!).Split('.').Last());
        Assert.Equal(["ConnectionsAreLetGo", "LeakIsCaught"], byTest.Keys.Order());
        Assert.Equal("Passed", (string?)byTest["ConnectionsAreLetGo"].Attribute("outcome"));
        Assert.Equal("Failed", (string?)byTest["LeakIsCaught"].Attribute("outcome"));

        string message = byTest["LeakIsCaught"].Descendants(s_trx + "Message").Single().Value;
        Assert.Contains("HeapAssertionException", message + byTest["LeakIsCaught"].Descendants(s_trx + "StackTrace").SingleOrDefault()?.Value);
        Assert.Contains("3 instances of Samples.Testing.Connection made since the checkpoint survived (expected none); " +
            "#1 is held by static Samples.Testing.Pool.s_idle → System.Collections.Generic.List<Samples.Testing.Connection>._items → Samples.Testing.Connection[][0] → Samples.Testing.Connection", message);
    }
}
