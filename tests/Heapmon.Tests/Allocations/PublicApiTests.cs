using System.Reflection;
using Heapmon.Allocations;

namespace Heapmon.Tests.Allocations;

/// <summary>Every change to the allocation tracer's public API shows as a diff of the approved listing (STYLE.md 4).</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Public_api_matches_the_approved_listing()
    {
        string approvedPath = Path.Combine(TestPaths.RepoRoot, "tests/Heapmon.Tests/Allocations/PublicApi.approved.txt");
        string actual = Listing();
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).Replace("\r", "") : "";
        if (actual != approved) File.WriteAllText(approvedPath.Replace(".approved.", ".received."), actual);
        Assert.Equal(approved, actual);
    }

    private static string Listing()
    {
        var lines = new List<string>();
        foreach (Type type in typeof(AllocationTracer).Assembly.GetExportedTypes().Where(t => t.Namespace == "Heapmon.Allocations").OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            string kind = type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsInterface ? "interface" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";
            lines.Add($"{kind} {type.FullName}");
            foreach (MemberInfo member in type.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Select(m => (m, text: m.ToString()!))
                .OrderBy(p => p.text, StringComparer.Ordinal).Select(p => p.m))
                lines.Add($"  {member.MemberType} {member}");
        }
        return string.Join("\n", lines) + "\n";
    }
}
