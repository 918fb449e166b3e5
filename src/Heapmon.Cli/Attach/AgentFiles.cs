using Heapmon.Channel;

namespace Heapmon.Cli.Attach;

/// <summary>
/// Where the process finds the agent. The runtime resolves the hook's path in the process's own file
/// system: in ours, heapmon's own folder serves; in another mount namespace (a container), the agent's
/// assemblies are copied into the process's temporary folder, once per Heapmon version.
/// </summary>
internal static class AgentFiles
{
    /// <summary>The hook assembly's file name.</summary>
    public const string HookFile = "Heapmon.StartupHook.dll";

    /// <summary>The hook's path in the process's view, copying the agent there first when it cannot see ours.</summary>
    public static string HookPathFor(TargetProcess target, TextWriter error)
    {
        string source = AppContext.BaseDirectory;
        if (target.Root.Length == 0) return Path.Combine(source, HookFile);
        string version = new(ChannelProtocol.HeapmonVersion.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        string folder = Path.Combine(target.TempDirectory, "heapmon-agent-" + version);
        string here = target.Root + folder;
        if (!File.Exists(Path.Combine(here, HookFile)))
        {
            error.WriteLine($"heapmon: copying the agent to {folder} in {target.Describe}'s file system");
            // Copied aside and renamed into place: a process never sees half the agent.
            string staging = $"{here}.{Environment.ProcessId}.tmp";
            Directory.CreateDirectory(staging);
            foreach (string file in Directory.EnumerateFiles(source, "*.dll"))
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)), overwrite: true);
            try
            {
                Directory.Move(staging, here);
            }
            catch (IOException) when (File.Exists(Path.Combine(here, HookFile)))
            {
                Directory.Delete(staging, recursive: true); // another heapmon copied it first
            }
        }
        return Path.Combine(folder, HookFile);
    }
}
