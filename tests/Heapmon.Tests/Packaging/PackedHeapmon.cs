using System.IO.Compression;
using Heapmon.Tests.Run;

namespace Heapmon.Tests.Packaging;

/// <summary>
/// Both packages packed from this build into a temporary feed, as a user would get them: the
/// dotnet-heapmon tool installed into a temporary --tool-path, and a console app built on the
/// Heapmon package. Each piece is made once, when a test first asks for it, and the folder is
/// deleted at the end; packages go to a private NuGet folder, never the user's.
/// </summary>
public sealed class PackedHeapmon : IDisposable
{
    private readonly Lazy<string> _tool;
    private readonly Lazy<string> _consumer;

    public PackedHeapmon()
    {
        Root = TestPaths.NewTempDirectory("packed");
        Feed = Path.Combine(Root, "feed");
        // A version no cache can already hold, so nothing stale is ever restored.
        Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        Pack("src/Heapmon/Heapmon.csproj");
        Pack("src/Heapmon.Cli/Heapmon.Cli.csproj");
        Pack("src/Heapmon.Testing/Heapmon.Testing.csproj");
        _tool = new(InstallTool);
        _consumer = new(BuildConsumer);
    }

    public string Root { get; }

    public string Feed { get; }

    public string Version { get; }

    public string ToolPackage => Path.Combine(Feed, $"dotnet-heapmon.{Version}.nupkg");

    public string LibraryPackage => Path.Combine(Feed, $"Heapmon.{Version}.nupkg");

    public string TestingPackage => Path.Combine(Feed, $"Heapmon.Testing.{Version}.nupkg");

    /// <summary>The installed <c>heapmon</c> command.</summary>
    public string Tool => _tool.Value;

    /// <summary>The consumer app's bin folder, built against the Heapmon package.</summary>
    public string ConsumerBin => _consumer.Value;

    /// <summary>The entries of a package: name and uncompressed length.</summary>
    public static IReadOnlyDictionary<string, long> Entries(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        return zip.Entries.ToDictionary(e => e.FullName, e => e.Length);
    }

    /// <summary>A text file inside a package.</summary>
    public static string Read(string package, string entry)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Runs a dotnet command with the build environment cleaned and a private package folder.</summary>
    internal ChildResult Dotnet(string workingDirectory, params string[] args) =>
        ChildProcess.Run(ChildProcess.DotnetHost, args, Environment(), workingDirectory, timeout: TimeSpan.FromMinutes(4));

    private Dictionary<string, string?> Environment() => new(TinySolution.CleanBuildEnvironment)
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
        ["DOTNET_ROOT"] = Path.GetDirectoryName(ChildProcess.DotnetHost) is { Length: > 0 } d ? d : null,
    };

    private void Pack(string project)
    {
        ChildResult result = Dotnet(TestPaths.RepoRoot, "pack", Path.Combine(TestPaths.RepoRoot, project), "-c", Configuration,
            "--no-build", "-o", Feed, $"-p:PackageVersion={Version}", "-nologo", "-v", "q");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private string InstallTool()
    {
        string tools = Path.Combine(Root, "tools");
        ChildResult result = Dotnet(Root, "tool", "install", "dotnet-heapmon", "--tool-path", tools, "--add-source", Feed, "--version", Version);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Path.Combine(tools, "heapmon");
    }

    private string BuildConsumer()
    {
        string dir = Path.Combine(Root, "consumer");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><add key="heapmon-test-feed" value="{Feed}" /></packageSources>
              <fallbackPackageFolders><add key="user" value="{UserPackages}" /></fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup><PackageReference Include="Heapmon" Version="{Version}" /></ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(TestPaths.RepoRoot, "tests", "Heapmon.Tests", "Packaging", "ConsumerProgram.cs.txt"), Path.Combine(dir, "Program.cs"));
        ChildResult result = Dotnet(dir, "build", "-nologo", "-v", "q");
        Assert.True(result.ExitCode == 0, result.ToString());
        return Path.Combine(dir, "bin", "Debug", "net10.0");
    }

    /// <summary>The configuration the tests were built in: bin/CONFIG/net10.0.</summary>
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The user's package folder, read but never written: the consumer restores everything else from it.</summary>
    private static string UserPackages =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
