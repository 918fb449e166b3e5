using System.Reflection;
using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>
/// The public surface of Heapmon.Sizing, written out and compared with the approved text (STYLE.md 4):
/// the tracker builds on it, so any change must show up as a diff here.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void ThePublicSizingApiIsTheApprovedOne()
    {
        string folder = Path.Combine(TestPaths.RepoRoot, "tests", "Heapmon.Tests", "Sizing");
        string approved = File.ReadAllText(Path.Combine(folder, "PublicApi.approved.txt")).ReplaceLineEndings("\n").Trim();
        string actual = Describe().Trim();
        if (actual != approved) File.WriteAllText(Path.Combine(folder, "PublicApi.received.txt"), actual + "\n"); // diff it, then approve by renaming
        Assert.Equal(approved, actual);
    }

    private static string Describe()
    {
        var lines = new List<string>();
        foreach (Type type in typeof(ObjectSize).Assembly.GetExportedTypes().Where(t => t.Namespace == "Heapmon.Sizing").OrderBy(t => t.Name))
        {
            lines.Add($"{Kind(type)} {type.Name}");
            foreach (MemberInfo member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                         .Where(m => m is not MethodInfo { IsSpecialName: true } and not FieldInfo { IsSpecialName: true } && !IsRecordPlumbing(m))
                         .Select(m => (m, Text: Member(m))).OrderBy(x => x.Text, StringComparer.Ordinal).Select(x => x.m))
                lines.Add("  " + Member(member));
        }
        return string.Join("\n", lines);
    }

    private static bool IsRecordPlumbing(MemberInfo m) =>
        m.Name is "<Clone>$" or "Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "EqualityContract" or "PrintMembers"
        && m.DeclaringType != typeof(SizedObject);

    private static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : t.IsSealed ? "sealed class" : "class";

    private static string Member(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}{mi.ReturnType.Name} {mi.Name}({Parameters(mi)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{p.PropertyType.Name} {p.Name} {{ {(p.GetMethod is not null ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? "init; " : "")}}}",
        FieldInfo f => f.DeclaringType!.IsEnum ? f.Name : $"field {f.FieldType.Name} {f.Name}",
        _ => m.ToString()!,
    };

    private static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p => $"{p.ParameterType.Name} {p.Name}{(p.HasDefaultValue ? " = default" : "")}"));
}
