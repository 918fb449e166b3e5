using System.Reflection;

namespace Heapmon.Tests.Architecture;

/// <summary>
/// The library's namespaces are its layers, and data flows one way: measurement (Sizing, Heap,
/// Sampling) at the bottom; the plain-data model beside it; recorders and analyses (Tracking,
/// Allocations, Garbage) above measurement, publishing to the meter (Metrics) between them; renderers and file formats (Stats) above the model only.
/// Each namespace may refer only to the ones listed for it, read from the compiled assembly, so an
/// upward reference or a cycle fails here. Run with <c>dotnet test --filter Layering</c>.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>What each namespace may use besides itself. A new namespace must be placed here on purpose.</summary>
    private static readonly Dictionary<string, string[]> s_allowed = new()
    {
        ["Heapmon"] = [],
        ["Heapmon.Model"] = ["Heapmon"],
        ["Heapmon.Sizing"] = ["Heapmon"],
        ["Heapmon.Heap"] = ["Heapmon", "Heapmon.Model", "Heapmon.Sizing"],
        ["Heapmon.Sampling"] = ["Heapmon", "Heapmon.Model"],
        // The meter: recorders publish to it; it reads only plain data and the sampler's samples.
        ["Heapmon.Metrics"] = ["Heapmon", "Heapmon.Model", "Heapmon.Sampling"],
        ["Heapmon.Tracking"] = ["Heapmon", "Heapmon.Model", "Heapmon.Sizing", "Heapmon.Heap", "Heapmon.Sampling", "Heapmon.Metrics"],
        ["Heapmon.Allocations"] = ["Heapmon", "Heapmon.Model", "Heapmon.Heap", "Heapmon.Sampling", "Heapmon.Metrics"],
        ["Heapmon.Garbage"] = ["Heapmon", "Heapmon.Model", "Heapmon.Sizing", "Heapmon.Heap"],
        ["Heapmon.Stats"] = ["Heapmon", "Heapmon.Model"],
    };

    [Fact]
    public void EveryNamespaceRefersOnlyToTheLayersBelowIt()
    {
        var violations = new List<string>();
        foreach ((string from, Dictionary<string, string> targets) in LibraryEdges())
        {
            Assert.True(s_allowed.ContainsKey(from), $"Namespace {from} is in no layer: add it to LayeringTests.s_allowed deliberately.");
            foreach ((string to, string example) in targets)
                if (!s_allowed[from].Contains(to)) violations.Add($"{from} -> {to}: {example}");
        }
        Assert.True(violations.Count == 0, "Upward or sideways references:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheTestingPackageIsALayerAboveTheLibraryAndNeedsNoTestFramework()
    {
        // Heapmon.Testing: the library and the base class library, nothing else (no xunit, NUnit or MSTest).
        Assembly testing = typeof(Heapmon.Testing.HeapAssert).Assembly;
        string[] references = [.. testing.GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.Contains("Heapmon", references);
        Assert.All(references, r => Assert.True(r == "Heapmon" || r.StartsWith("System", StringComparison.Ordinal), $"Heapmon.Testing refers to {r}"));
        Assert.Equal(["Heapmon.Testing"], testing.GetExportedTypes().Select(t => t.Namespace).Distinct());
        // Nothing below reaches up to it.
        Assert.DoesNotContain("Heapmon.Testing", typeof(ByteUnits).Assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public void TheAllowedLayersHaveNoCycle()
    {
        var state = new Dictionary<string, int>();
        bool Cyclic(string n)
        {
            if (state.TryGetValue(n, out int s)) return s == 1;
            state[n] = 1;
            bool cyclic = s_allowed[n].Any(Cyclic);
            state[n] = 2;
            return cyclic;
        }
        Assert.DoesNotContain(s_allowed.Keys, Cyclic);
    }

    [Fact]
    public void TheReaderSeesAReferenceMadeOnlyInsideAMethodBody()
    {
        // The fixture below refers upward only through a fully qualified name in a method body: no
        // using line, no signature. The check must see it, or it would let such references through.
        Dictionary<string, Dictionary<string, string>> edges = AssemblyReferences.Between(typeof(LayeringTests).Assembly);
        Assert.Contains("Heapmon.Tests.Architecture.Fixture.Upper", edges["Heapmon.Tests.Architecture.Fixture.Lower"].Keys);
        Assert.DoesNotContain("Heapmon.Tests.Architecture.Fixture.Lower", edges["Heapmon.Tests.Architecture.Fixture.Upper"].Keys);
    }

    private static IEnumerable<KeyValuePair<string, Dictionary<string, string>>> LibraryEdges()
    {
        Assembly library = typeof(ByteUnits).Assembly;
        // Compiler-generated helpers (<PrivateImplementationDetails>, collection-expression types) have no namespace.
        return AssemblyReferences.Between(library)
            .Where(e => e.Key.Length > 0)
            .Select(e => KeyValuePair.Create(e.Key, e.Value.Where(t => t.Key.Length > 0).ToDictionary()));
    }
}
