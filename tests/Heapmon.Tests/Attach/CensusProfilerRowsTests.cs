using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Attach;

/// <summary>
/// <c>heapmon census --pid</c> counts the agent's own objects (Heapmon, ClrMD, the strings and arrays they hold) apart, as
/// "profiler" rows: against ClrMD's count of the same program (attached from outside after dotnet-gcdump made it collect,
/// before and after the agent came), the
/// program's rows are what the program had, and the objects the agent added are in the profiler rows, not among them.
/// </summary>
[Collection(AttachCollection.Name)]
public sealed partial class CensusProfilerRowsTests
{
    private const string GcdumpVersion = "10.0.750501";
    private const int Entries = 2345;

    [Fact]
    public void TheAgentsObjectsAreCountedApartFromTheProgramsAsClrMdSeesThem()
    {
        string gcdump = InstallGcdump();
        using RunningProgram program = RunningProgram.StartAttachee(["hold", Entries.ToString(CultureInfo.InvariantCulture), "0"]);
        Dictionary<string, long> before = ClrMdCounts(gcdump, program.Pid);

        ChildResult census = AttachHarness.Heapmon("census", "--pid", program.Pid.ToString(CultureInfo.InvariantCulture), "--top", "1000");
        Assert.True(census.ExitCode == 0, census.ToString());
        Dictionary<string, long> after = ClrMdCounts(gcdump, program.Pid);

        string[] lines = census.StdOut.Split('\n');
        string[] profilerRows = [.. lines.Where(l => l.StartsWith("profiler  ", StringComparison.Ordinal))];
        string[] programRows = [.. lines.TakeWhile(l => !l.StartsWith("profiler", StringComparison.Ordinal))];
        // The oracle: before the agent came ClrMD sees none of Heapmon's or ClrMD's objects in the program; after, thousands.
        long ownBefore = before.Where(p => IsAgentType(p.Key)).Sum(p => p.Value), ownAfter = after.Where(p => IsAgentType(p.Key)).Sum(p => p.Value);
        Assert.Equal(0, ownBefore);
        Assert.True(ownAfter > 1000, $"ClrMD sees only {ownAfter} agent objects");
        // The census lists none of them as the program's: they are the profiler's rows, with the strings they hold.
        Assert.DoesNotContain(programRows, l => IsAgentType(l.Trim()));
        Assert.Contains("left out above", census.StdOut, StringComparison.Ordinal);
        long profilerObjects = long.Parse(ProfilerLine().Match(census.StdOut).Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(profilerObjects >= ownAfter, $"profiler rows {profilerObjects}, ClrMD's agent objects {ownAfter}");
        Assert.True(ProfilerCount(profilerRows, "System.String") > 100, string.Join('\n', profilerRows));
        // The program's own rows still count every one of its records.
        Assert.Equal(Entries, AttachHarness.CensusCount(census.StdOut, "Attachee.LedgerEntry"));
        Assert.Equal(0, program.Quit());
    }

    private static bool IsAgentType(string name) => name.StartsWith("Heapmon.Heap.", StringComparison.Ordinal) || name.StartsWith("Heapmon.Tracking.", StringComparison.Ordinal)
        || name.StartsWith("Heapmon.StartupHook.", StringComparison.Ordinal) || name.StartsWith("Heapmon.Channel.", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.Diagnostics.Runtime.", StringComparison.Ordinal);

    [GeneratedRegex(@"^profiler: (?<count>[\d,]+) objects", RegexOptions.Multiline)]
    private static partial Regex ProfilerLine();

    /// <summary>The count in a "profiler  COUNT  BYTES  TYPE" row.</summary>
    private static long ProfilerCount(string[] rows, string type)
    {
        string? row = rows.FirstOrDefault(r => r.EndsWith("  " + type, StringComparison.Ordinal));
        return row is null ? 0 : long.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private static string InstallGcdump()
    {
        string tools = Path.Combine(AppContext.BaseDirectory, "tools"), tool = Path.Combine(tools, "dotnet-gcdump");
        if (!File.Exists(tool))
        {
            ChildResult install = ChildProcess.Run(ChildProcess.DotnetHost, ["tool", "install", "dotnet-gcdump", "--version", GcdumpVersion, "--tool-path", tools], timeout: TimeSpan.FromMinutes(3));
            Assert.True(install.ExitCode == 0 || File.Exists(tool), install.ToString());
        }
        return tool;
    }

    /// <summary>
    /// Objects per type in the process, by ClrMD over a dump of it, taken right after dotnet-gcdump made the process
    /// run a full GC: about what is alive, counted by Microsoft's own heap library.
    /// </summary>
    private static Dictionary<string, long> ClrMdCounts(string gcdump, int pid)
    {
        string file = Path.Combine(TestPaths.NewTempDirectory("gcdump"), "p.gcdump");
        ChildResult collect = ChildProcess.Run(gcdump, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file], timeout: TimeSpan.FromMinutes(2));
        Assert.True(collect.ExitCode == 0, collect.ToString());
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        // A dump, not a ptrace attach: the program is our child, and the runtime's own child reaping swallowed the stop a ptrace attach waits for (the test hung).
        string dump = Path.Combine(Path.GetDirectoryName(file)!, "p.dmp");
        new Microsoft.Diagnostics.NETCore.Client.DiagnosticsClient(pid).WriteDump(Microsoft.Diagnostics.NETCore.Client.DumpType.WithHeap, dump);
        using DataTarget target = DataTarget.LoadDump(dump, Heapmon.Heap.LocalFilesOnly.Options);
        using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
        foreach (ClrObject obj in runtime.Heap.EnumerateObjects())
            if (obj.IsValid && !obj.IsFree && obj.Type?.Name is { } name) counts[name] = counts.GetValueOrDefault(name) + 1;
        File.Delete(dump);
        return counts;
    }
}
