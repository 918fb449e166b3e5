using System.Reflection;
using Heapmon.Stats;

namespace Heapmon.Tests.Html;

/// <summary>The public surface of the HTML report (HtmlStats, HtmlStatsOptions) against an approved text (STYLE.md 4).</summary>
public sealed class HtmlPublicApiTests
{
    [Fact]
    public void The_public_html_api_is_the_approved_one()
    {
        string approvedPath = Path.Combine(TestPaths.RepoRoot, "tests", "Heapmon.Tests", "Html", "Approved", "PublicApi.approved.txt");
        string approved = File.ReadAllText(approvedPath).ReplaceLineEndings("\n").Trim();
        string actual = Describe();
        // On a difference the new text is kept beside the other artefacts, for a diff.
        if (actual != approved) File.WriteAllText(Path.Combine(ChromiumFixture.ArtefactDirectory, "PublicApi.received.txt"), actual + "\n");
        Assert.Equal(approved, actual);
    }

    private static string Describe()
    {
        var lines = new List<string>();
        foreach (Type type in typeof(HtmlStats).Assembly.GetExportedTypes().Where(t => t.Namespace == "Heapmon.Stats" && t.Name.StartsWith("Html", StringComparison.Ordinal)).OrderBy(t => t.Name))
        {
            lines.Add($"{(type.IsSealed ? "sealed " : "")}class {type.Name}");
            IEnumerable<string> members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true } && m.Name is not ("<Clone>$" or "Equals" or "GetHashCode" or "ToString" or "EqualityContract" or "PrintMembers"))
                .Select(m => "  " + m switch
                {
                    ConstructorInfo c => $"ctor({Parameters(c)})",
                    MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}{mi.ReturnType.Name} {mi.Name}({Parameters(mi)})",
                    PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{p.PropertyType.Name} {p.Name} {{ get; {(p.SetMethod?.IsPublic == true ? "init; " : "")}}}",
                    _ => m.ToString(),
                })
                .Order(StringComparer.Ordinal);
            lines.AddRange(members);
        }
        return string.Join("\n", lines);
    }

    private static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p => $"{p.ParameterType.Name} {p.Name}{(p.HasDefaultValue ? " = default" : "")}"));
}
