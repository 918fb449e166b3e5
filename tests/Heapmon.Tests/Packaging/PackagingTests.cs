using System.Xml.Linq;
using System.CommandLine;
using Heapmon.Allocations;
using Heapmon.Cli;
using Xunit.Abstractions;

namespace Heapmon.Tests.Packaging;

/// <summary>
/// What a newcomer installs: both packages packed from this build, their metadata and contents, the
/// tool installed from a local feed and run, and a console app built on the library package.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackagingTests(PackedHeapmon packed, ITestOutputHelper output) : IClassFixture<PackedHeapmon>
{
    private const long MiB = 1024 * 1024;

    /// <summary>Files only Windows uses, and the symbol-server login Heapmon never makes.</summary>
    private static readonly string[] s_forbidden =
        ["msdia140.dll", "KernelTraceControl.dll", "Dia2Lib.dll", "TraceReloggerLib.dll", "Azure.Identity.dll", "Microsoft.Identity.Client",
         "System.ClientModel.dll", "ProtectedData.dll", "/runtimes/win", "/amd64/", "/x86/", "/arm64/"];

    [Fact]
    public void BothPackagesCarryReadmeLicenceUrlsAndTagsAndNoWindowsOnlyFiles()
    {
        foreach (string package in new[] { packed.ToolPackage, packed.LibraryPackage })
        {
            IReadOnlyDictionary<string, long> entries = PackedHeapmon.Entries(package);
            output.WriteLine($"{Path.GetFileName(package)}: {new FileInfo(package).Length:N0} bytes packed, {entries.Values.Sum():N0} unpacked");
            foreach ((string name, long length) in entries.OrderByDescending(e => e.Value).Take(8)) output.WriteLine($"  {length,11:N0}  {name}");

            string nuspecName = entries.Keys.Single(e => e.EndsWith(".nuspec", StringComparison.Ordinal));
            XElement metadata = XDocument.Parse(PackedHeapmon.Read(package, nuspecName)).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Meta(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
            Assert.Equal("MIT", Meta("license"));
            Assert.Equal("README.md", Meta("readme"));
            Assert.StartsWith("https://", Meta("projectUrl"));
            Assert.Equal(Meta("projectUrl"), (string?)metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url"));
            Assert.Contains("memory", Meta("tags").Split(' '));
            Assert.Contains("dotnet-heapmon", PackedHeapmon.Read(package, "README.md") + PackedHeapmon.Read(packed.LibraryPackage, "README.md"));
            Assert.DoesNotContain(entries.Keys, e => s_forbidden.Any(f => e.Contains(f, StringComparison.OrdinalIgnoreCase)));
            Assert.DoesNotContain(entries.Keys, e => e.EndsWith(".pdb", StringComparison.Ordinal));
        }

        IReadOnlyDictionary<string, long> tool = PackedHeapmon.Entries(packed.ToolPackage);
        Assert.True(new FileInfo(packed.ToolPackage).Length <= 3 * MiB, $"tool package {new FileInfo(packed.ToolPackage).Length:N0} bytes");
        Assert.Contains("tools/net10.0/any/Heapmon.StartupHook.dll", tool.Keys);
        Assert.DoesNotContain(tool.Keys, e => e.StartsWith("tools/", StringComparison.Ordinal) && e.EndsWith(".xml", StringComparison.Ordinal) && !e.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));

        // The library carries ClrMD, TraceEvent and Azure.Core (which ClrMD's file locator type needs) in place of package
        // dependencies; its one dependency is the diagnostics client, whose own are two small abstractions.
        IReadOnlyDictionary<string, long> library = PackedHeapmon.Entries(packed.LibraryPackage);
        Assert.Equal(
            ["Azure.Core.dll", "Heapmon.dll", "Heapmon.xml", "Microsoft.Diagnostics.FastSerialization.dll", "Microsoft.Diagnostics.Runtime.dll", "Microsoft.Diagnostics.Tracing.TraceEvent.dll"],
            library.Keys.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Select(Path.GetFileName).Order());
        XDocument nuspec = XDocument.Parse(PackedHeapmon.Read(packed.LibraryPackage, "Heapmon.nuspec"));
        Assert.Equal(["Microsoft.Diagnostics.NETCore.Client"], nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!));
    }

    [Fact]
    public void TheTestingPackageCarriesItsReadmeAndDependsOnTheLibraryAlone()
    {
        IReadOnlyDictionary<string, long> entries = PackedHeapmon.Entries(packed.TestingPackage);
        Assert.Equal(["Heapmon.Testing.dll", "Heapmon.Testing.xml"], entries.Keys.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Select(Path.GetFileName).Order());
        XElement metadata = XDocument.Parse(PackedHeapmon.Read(packed.TestingPackage, "Heapmon.Testing.nuspec")).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
        Assert.Equal("MIT", metadata.Elements().Single(e => e.Name.LocalName == "license").Value);
        Assert.Contains("HeapAssert.NoInstances", PackedHeapmon.Read(packed.TestingPackage, "README.md"));
        // No test framework: one dependency, the Heapmon package of the same version.
        XElement[] dependencies = [.. metadata.Descendants().Where(e => e.Name.LocalName == "dependency")];
        Assert.Equal(["Heapmon"], dependencies.Select(d => (string)d.Attribute("id")!));
        Assert.Equal(packed.Version, (string?)dependencies[0].Attribute("version"));
    }

    [Fact]
    public void TheInstalledToolRunsVersionAndEveryCommandsHelp()
    {
        ChildResult version = ChildProcess.Run(packed.Tool, ["--version"]);
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith("0.1.0", version.StdOut);

        Command root = HeapmonCli.Build(new CliContext(TextWriter.Null, TextWriter.Null));
        foreach (string command in root.Subcommands.Select(c => c.Name).Prepend(""))
        {
            ChildResult help = ChildProcess.Run(packed.Tool, command == "" ? ["--help"] : [command, "--help"]);
            Assert.True(help.ExitCode == 0 && help.StdErr == "", $"heapmon {command} --help: {help}");
            Assert.Contains($"heapmon {command}".TrimEnd(), help.StdOut);
            Assert.Contains("Usage:", help.StdOut);
        }
    }

    [Fact]
    public void TheInstalledToolTracesAllocationsUnderRun()
    {
        string dir = Path.Combine(packed.Root, "run-alloc");
        Directory.CreateDirectory(dir);
        string dump = Path.Combine(dir, "x.json.gz");

        ChildResult result = ChildProcess.Run(packed.Tool, ["run", "--alloc", "--traceback-limit", "3", "-o", dump, "--", Run.RunHarness.Workload, "build", "50", "1000"],
            timeout: TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
        AllocationSnapshot snapshot = AllocationSnapshot.Load(Path.Combine(dir, "x.alloc.json"));
        Assert.EndsWith("Nodes.cs", snapshot.TopBy(GroupBy.File).Top()[0].Key.FileName);
        ChildResult alloc = ChildProcess.Run(packed.Tool, ["alloc", "--file", "-n", "1", Path.Combine(dir, "x.alloc.json")]);
        Assert.True(alloc.ExitCode == 0, alloc.ToString());
        Assert.Contains("Nodes.cs", alloc.StdOut);
    }

    [Fact]
    public void AConsoleAppOnTheLibraryPackageIsSmallAndTracesMeasuresAndReadsADump()
    {
        string bin = packed.ConsumerBin;
        long size = Directory.EnumerateFiles(bin, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"consumer bin/: {size:N0} bytes ({size / (double)MiB:F2} MiB)");
        foreach (string file in Directory.EnumerateFiles(bin, "*", SearchOption.AllDirectories).OrderByDescending(f => new FileInfo(f).Length))
            output.WriteLine($"  {new FileInfo(file).Length,11:N0}  {Path.GetRelativePath(bin, file)}");
        Assert.True(size <= 6 * MiB, $"consumer bin/ is {size:N0} bytes");
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(bin, "*", SearchOption.AllDirectories), e => s_forbidden.Any(f => (e + "/").Contains(f, StringComparison.OrdinalIgnoreCase)));

        ChildResult run = ChildProcess.RunDotnet(Path.Combine(bin, "Consumer.dll"), [], timeout: TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, run.ToString());
        int line = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "tests", "Heapmon.Tests", "Packaging", "ConsumerProgram.cs.txt"))
            .Select((text, i) => (text, i)).Single(l => l.text.Contains("// the allocating line")).i + 1;
        Assert.Equal($"top line: Program.cs:{line}\nbyte[] in census: True\nfinalizable objects seen: True\n", run.StdOut.ReplaceLineEndings("\n"));
    }
}
