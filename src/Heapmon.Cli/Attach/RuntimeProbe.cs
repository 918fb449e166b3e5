using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Heapmon.Cli.Attach;

/// <summary>Which runtime a process runs, read from the files it has mapped (/proc/PID/maps), without talking to it.</summary>
/// <param name="Kind">CoreCLR, Mono, or unknown (no runtime library mapped: Native AOT, a single-file app, or not .NET).</param>
/// <param name="Version">The runtime's version when it can be read.</param>
/// <param name="AgentPath">The path (in the process's own view) of a Heapmon startup hook it has loaded, if any.</param>
internal sealed partial record RuntimeInfo(RuntimeKind Kind, Version? Version, string? AgentPath)
{
    /// <summary>"10.0.12", or what is known.</summary>
    public string Display => Kind switch
    {
        RuntimeKind.CoreClr => Version is { } v ? $".NET {v}" : ".NET",
        RuntimeKind.Mono => "Mono",
        _ => "?",
    };

    /// <summary>Reads the maps of a process; <paramref name="root"/> prefixes paths to read its files from our side.</summary>
    public static RuntimeInfo FromMaps(IEnumerable<string> maps, string root)
    {
        string? coreclr = null, agent = null;
        bool mono = false;
        foreach (string line in maps)
        {
            int slash = line.IndexOf('/');
            if (slash < 0) continue;
            string path = line[slash..];
            if (path.EndsWith("/libcoreclr.so", StringComparison.Ordinal)) coreclr ??= path;
            else if (path.Contains("libmonosgen", StringComparison.Ordinal) || path.EndsWith("/libmono.so", StringComparison.Ordinal)) mono = true;
            else if (path.EndsWith("/Heapmon.StartupHook.dll", StringComparison.Ordinal)) agent ??= path;
        }
        if (coreclr is not null) return new RuntimeInfo(RuntimeKind.CoreClr, VersionOf(Path.GetDirectoryName(coreclr)!, root), agent);
        return new RuntimeInfo(mono ? RuntimeKind.Mono : RuntimeKind.Unknown, null, agent);
    }

    /// <summary>The shared framework's folder is named by its version; a self-contained app's CoreLib carries it.</summary>
    private static Version? VersionOf(string directory, string root)
    {
        Match shared = SharedFramework().Match(directory);
        if (shared.Success && Version.TryParse(shared.Groups[1].Value, out Version? fromFolder)) return fromFolder;
        try
        {
            string corelib = root + Path.Combine(directory, "System.Private.CoreLib.dll");
            FileVersionInfo info = FileVersionInfo.GetVersionInfo(corelib);
            string? product = info.ProductVersion?.Split('+', '-')[0];
            return Version.TryParse(product, out Version? fromFile) ? fromFile : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    [GeneratedRegex(@"/Microsoft\.NETCore\.App/(\d+\.\d+\.\d+)[^/]*$")]
    private static partial Regex SharedFramework();
}

/// <summary>The runtime behind a process.</summary>
internal enum RuntimeKind
{
    /// <summary>No .NET runtime library is mapped.</summary>
    Unknown,
    /// <summary>CoreCLR, the runtime that can load a startup hook into a running process.</summary>
    CoreClr,
    /// <summary>Mono, which has no ApplyStartupHook.</summary>
    Mono,
}
