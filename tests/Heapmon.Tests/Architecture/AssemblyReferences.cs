using System.Reflection;
using System.Reflection.Emit;

namespace Heapmon.Tests.Architecture;

/// <summary>
/// Which namespaces each namespace of a compiled assembly refers to: through signatures (base types,
/// interfaces, fields, properties, parameters, return types, generic arguments, attributes) and through
/// method bodies (every type, field and method token in the IL). Read from the assembly, not from
/// <c>using</c> lines, so a fully qualified name or a <c>var</c> cannot hide a reference.
/// </summary>
internal static class AssemblyReferences
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>For each namespace of <paramref name="assembly"/>, the other namespaces of the same assembly it refers to, with one example each.</summary>
    public static Dictionary<string, Dictionary<string, string>> Between(Assembly assembly)
    {
        var edges = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (Type type in assembly.GetTypes())
        {
            string from = NamespaceOf(type);
            if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new(StringComparer.Ordinal);
            foreach ((Type referenced, string where) in Referenced(type))
            {
                if (referenced.Assembly != assembly) continue;
                string to = NamespaceOf(referenced);
                if (to != from) targets.TryAdd(to, $"{type.FullName} {where} -> {referenced.FullName}");
            }
        }
        return edges;
    }

    /// <summary>The namespace a type belongs to; a nested or compiler-generated type belongs to its outermost declaring type's.</summary>
    private static string NamespaceOf(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type.Namespace ?? "";
    }

    private static IEnumerable<(Type Type, string Where)> Referenced(Type type)
    {
        foreach (Type t in Expand(type.BaseType)) yield return (t, "base");
        foreach (Type i in type.GetInterfaces()) foreach (Type t in Expand(i)) yield return (t, "interface");
        foreach (CustomAttributeData a in type.CustomAttributes) yield return (a.AttributeType, "attribute");
        foreach (FieldInfo f in type.GetFields(Everything))
            foreach (Type t in Expand(f.FieldType)) yield return (t, $"field {f.Name}");
        foreach (PropertyInfo p in type.GetProperties(Everything))
            foreach (Type t in Expand(p.PropertyType)) yield return (t, $"property {p.Name}");
        foreach (MethodBase m in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (m is MethodInfo mi) foreach (Type t in Expand(mi.ReturnType)) yield return (t, $"{m.Name} returns");
            foreach (ParameterInfo p in m.GetParameters()) foreach (Type t in Expand(p.ParameterType)) yield return (t, $"{m.Name} parameter");
            foreach (Type t in BodyReferences(m)) yield return (t, $"{m.Name} body");
        }
    }

    /// <summary>A type and every type it is built from: element types, generic arguments, declaring types.</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null || type.IsGenericParameter) yield break;
        if (type.HasElementType) { foreach (Type t in Expand(type.GetElementType())) yield return t; yield break; }
        yield return type;
        if (type.IsGenericType)
            foreach (Type argument in type.GetGenericArguments()) foreach (Type t in Expand(argument)) yield return t;
    }

    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { il = null; }
        if (il is null) yield break;
        Module module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            OpCode op = il[i] == 0xFE ? s_opCodes[(short)(0xFE00 | il[i + 1])] : s_opCodes[il[i]];
            i += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField:
                    MemberInfo? member = Resolve(module, BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    if (member is Type t) foreach (Type x in Expand(t)) yield return x;
                    else if (member is not null)
                    {
                        foreach (Type x in Expand(member.DeclaringType)) yield return x;
                        if (member is FieldInfo f) foreach (Type x in Expand(f.FieldType)) yield return x;
                        if (member is MethodInfo { IsGenericMethod: true } gm)
                            foreach (Type a in gm.GetGenericArguments()) foreach (Type x in Expand(a)) yield return x;
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                default:
                    i += OperandSize(op.OperandType);
                    break;
            }
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try { return module.ResolveMember(token, typeArgs, methodArgs); }
        catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException) { return null; }
    }

    private static int OperandSize(OperandType type) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };
}
