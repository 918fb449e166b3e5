using System.Xml.Linq;
using Heapmon.Tests.Run;
using Xunit.Abstractions;

namespace Heapmon.Tests.Testing;

/// <summary>
/// samples/Testing holds one suite in xunit v2, xunit v3, NUnit and MSTest: each run with <c>dotnet test</c>
/// must report the passing test passed and the deliberate leak failed, with a message that names the
/// static that holds the connections (read back from the run's TRX file).
/// </summary>
[Trait("Category", "Slow")]
public sealed class FrameworkSamplesTests(ITestOutputHelper output)
{
    private static readonly XNamespace s_trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static TheoryData<string> Samples => new() { "XunitV2", "XunitV3", "NUnit", "MSTest" };

    [Theory]
    [MemberData(nameof(Samples))]
    public void TheLeakFailsNamingItsStaticRootAndTheCleanTestPasses(string framework)
    {
        string results = TestPaths.NewTempDirectory("samples-" + framework.ToLowerInvariant());
        string project = Path.Combine(TestPaths.RepoRoot, "samples", "Testing", framework, framework + "Sample.csproj");
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

        ChildResult run = ChildProcess.Run(ChildProcess.DotnetHost,
            ["test", project, "-c", configuration, "-nologo", "--logger", "trx;LogFileName=run.trx", "--results-directory", results],
            TinySolution.CleanBuildEnvironment, TestPaths.RepoRoot, timeout: TimeSpan.FromMinutes(6));
        output.WriteLine(run.ToString());

        string trx = Path.Combine(results, "run.trx");
        Assert.True(File.Exists(trx), run.ToString());
        Dictionary<string, XElement> byTest = XDocument.Load(trx).Descendants(s_trx + "UnitTestResult")
            .ToDictionary(r => ((string)r.Attribute("testName")!).Split('.').Last());
        Assert.Equal(["ConnectionsAreLetGo", "LeakIsCaught"], byTest.Keys.Order());
        Assert.Equal("Passed", (string?)byTest["ConnectionsAreLetGo"].Attribute("outcome"));
        Assert.Equal("Failed", (string?)byTest["LeakIsCaught"].Attribute("outcome"));
        Assert.NotEqual(0, run.ExitCode);

        string message = byTest["LeakIsCaught"].Descendants(s_trx + "Message").Single().Value;
        Assert.Contains("HeapAssertionException", message + byTest["LeakIsCaught"].Descendants(s_trx + "StackTrace").SingleOrDefault()?.Value);
        Assert.Contains("3 instances of Samples.Testing.Connection made since the checkpoint survived (expected none); " +
            "#1 is held by static Samples.Testing.Pool.s_idle → System.Collections.Generic.List<Samples.Testing.Connection>._items → Samples.Testing.Connection[][0] → Samples.Testing.Connection", message);
    }
}
