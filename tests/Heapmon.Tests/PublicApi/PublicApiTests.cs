using System.Reflection;

namespace Heapmon.Tests.PublicApi;

/// <summary>
/// The whole public surface of the Heapmon library, listed and compared with the approved copy, so every
/// API change is a visible diff (after Serilog's approval tests; see <see cref="Approval"/>).
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedListing()
    {
        Approval.Verify("tests/Heapmon.Tests/PublicApi/Heapmon.approved.txt", Listing(typeof(ByteUnits).Assembly));
    }

    [Fact]
    public void TestingPublicApiMatchesTheApprovedListing()
    {
        Approval.Verify("tests/Heapmon.Tests/PublicApi/Heapmon.Testing.approved.txt", Listing(typeof(Heapmon.Testing.HeapAssert).Assembly));
    }

    [Fact]
    public void EveryPublicTypeLivesInOneOfTheDocumentedNamespaces()
    {
        string[] namespaces = ["Heapmon", "Heapmon.Model", "Heapmon.Sizing", "Heapmon.Heap", "Heapmon.Tracking", "Heapmon.Stats", "Heapmon.Allocations", "Heapmon.Garbage", "Heapmon.Metrics"];
        Type[] strays = [.. typeof(ByteUnits).Assembly.GetExportedTypes().Where(t => !namespaces.Contains(t.Namespace))];
        Assert.Empty(strays);
    }

    internal static string Listing(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            string kind = type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsInterface ? "interface"
                : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
            string baseType = type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) ? " : " + b.FullName : "";
            lines.Add($"{kind} {type.FullName}{baseType}");
            IEnumerable<string> members = type.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Where(m => !(type.IsEnum && m is FieldInfo { IsSpecialName: true }))
                .Select(m => "  " + Describe(m))
                .OrderBy(text => text, StringComparer.Ordinal);
            lines.AddRange(members);
        }
        return string.Join("\n", lines) + "\n";
    }

    private static string Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"{(c.IsStatic ? "static " : "")}ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}{(m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(Name)) + ">" : "")}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {t.Name}",
        _ => member.ToString()!,
    };

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p =>
        $"{(p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + Default(p.DefaultValue) : "")}"));

    private static string Default(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private static string Name(Type type)
    {
        if (type.IsByRef) return "ref " + Name(type.GetElementType()!);
        if (type.IsArray) return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(type) is { } inner) return Name(inner) + "?";
        if (!type.IsGenericType) return type.Name;
        return type.Name[..type.Name.IndexOf('`')] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
