using System.Globalization;
using Xunit.Abstractions;

namespace Heapmon.Tests.Heap;

/// <summary>
/// Discovery and the census in child processes under each GC configuration the issue names, checked
/// against ground truth (the counts the child made) and against ClrMD over the same heap.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class GcConfigurationTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string> Configurations => new()
    {
        // name, environment (KEY=VALUE;...), oracle
        { "workstation, concurrent", "DOTNET_gcServer=0;DOTNET_gcConcurrent=1", "dump" },
        { "workstation, non-concurrent", "DOTNET_gcServer=0;DOTNET_gcConcurrent=0", "self" },
        { "server, concurrent", "DOTNET_gcServer=1;DOTNET_gcConcurrent=1;DOTNET_GCHeapCount=2", "self" },
        { "server, non-concurrent", "DOTNET_gcServer=1;DOTNET_gcConcurrent=0;DOTNET_GCHeapCount=2", "self" },
        { "tiny gen0 budget", "DOTNET_GCgen0size=0x10000", "self" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void DiscoveryAndCensusAreExactUnder(string name, string environment, string oracle)
    {
        var env = environment.Split(';').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => (string?)kv[1]);
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Tests.Target"), ["counts", oracle], env, TimeSpan.FromMinutes(3));
        output.WriteLine($"{name}: {environment}\n{result}");
        Assert.True(result.ExitCode == 0, result.ToString());
        string[][] lines = [.. result.StdOut.Split('\n').Select(l => l.Split('|'))];
        bool server = environment.Contains("gcServer=1", StringComparison.Ordinal);
        Assert.Contains(lines, l => l[0] == "gc" && l[1] == $"server={server}");

        // Every query finds exactly the kept instances, nothing else.
        string[][] queries = [.. lines.Where(l => l[0] == "query")];
        Assert.Equal(15, queries.Length);
        Assert.All(queries, q => Assert.True(q[2] == q[3] && q[4] == "0", $"{q[1]}: expected {q[2]}, found {q[3]}, {q[4]} not kept"));

        // Young scope: only the fresh objects (all of them unless a gen1 GC promoted some meanwhile).
        string[] young = lines.Single(l => l[0] == "young");
        Assert.Equal("0", young[3]);
        if (young[4] == "True") Assert.Equal(young[1], young[2]);
        else Assert.True(Number(young[2]) <= Number(young[1]));

        // The census against ClrMD over the same heap, taken while the census's no-GC region held.
        Assert.Contains(lines, l => l[0] == "region" && l[1] == "True");
        foreach (string[] g in lines.Where(l => l[0] == "generation"))
        {
            // gen1, gen2 and pinned cannot change without a GC; gen0, large and frozen gain the oracle's own allocations.
            if (g[1] is "Gen1" or "Gen2" or "Pinned")
                Assert.True(g[2] == g[4] && g[3] == g[5], $"{g[1]}: census {g[2]} objects {g[3]} bytes, ClrMD {g[4]} objects {g[5]} bytes");
            else
                Assert.True(Number(g[2]) <= Number(g[4]), $"{g[1]}: census {g[2]} objects, ClrMD {g[4]}");
        }
        string[][] types = [.. lines.Where(l => l[0] == "type")];
        Assert.All(types, t => Assert.True(Number(t[2]) <= Number(t[4]) && Number(t[3]) <= Number(t[5]), $"{t[1]}: census {t[2]}/{t[3]}, ClrMD {t[4]}/{t[5]}"));
        string[][] shapes = [.. types.Where(t => t[1].StartsWith("Heapmon.Tests.Target.", StringComparison.Ordinal))];
        Assert.True(shapes.Length >= 18, $"only {shapes.Length} shape types in the census");
        Assert.All(shapes, t => Assert.True(t[2] == t[4] && t[3] == t[5], $"{t[1]}: census {t[2]}/{t[3]}, ClrMD {t[4]}/{t[5]}"));
    }

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
