using System.Reflection;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

/// <summary>
/// ClassTracker's public surface written out and compared with the approved text (STYLE.md 4): Stats,
/// the HTML report, the startup hook and the CLI build on it, so every change shows up as a diff here.
/// </summary>
public sealed class ClassTrackerApiSurfaceTests
{
    [Fact]
    public void ThePublicClassTrackerApiIsTheApprovedOne()
    {
        string folder = Path.Combine(TestPaths.RepoRoot, "tests", "Heapmon.Tests", "Tracking");
        string approved = File.ReadAllText(Path.Combine(folder, "ClassTracker.approved.txt")).ReplaceLineEndings("\n").Trim();
        string actual = string.Join("\n", typeof(ClassTracker)
            .GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m is not MethodInfo { IsSpecialName: true })
            .Select(Describe).Order(StringComparer.Ordinal));
        if (actual != approved) File.WriteAllText(Path.Combine(folder, "ClassTracker.received.txt"), actual + "\n"); // diff it, then approve by renaming
        Assert.Equal(approved, actual);
    }

    private static string Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{Name(m.ReturnType)} {m.Name}{(m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(Name)) + ">" : "")}({Parameters(m)})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ get; }}",
        _ => member.ToString()!,
    };

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p =>
        $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue?.ToString()?.ToLowerInvariant() ?? "null") : "")}"));

    private static string Name(Type type) => type.IsGenericType
        ? type.Name[..type.Name.IndexOf('`')] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">"
        : type.Name;
}
