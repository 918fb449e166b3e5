using System.Reflection;
using System.Runtime.CompilerServices;

namespace Heapmon.Sizing;

/// <summary>
/// Names for reference slots, for the per-referent tree only (the walk itself needs no names): maps
/// each reference's offset to a field path such as <c>items</c>, <c>pair.Key</c> or <c>buffer[2]</c>.
/// </summary>
internal static class FieldNames
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>
    /// A field's offset from the start of its object's data (or of its struct), read from the runtime's
    /// FieldDesc: the low 27 bits of the second 32-bit word after the MethodTable pointer.
    /// </summary>
    public static unsafe nint OffsetOf(FieldInfo field)
    {
        nint desc = field.FieldHandle.Value;
        return (nint)(*(uint*)(desc + IntPtr.Size + 4) & 0x7FFFFFF);
    }

    /// <summary>Reference slots of a class instance (own and inherited fields), by data-relative offset.</summary>
    public static Dictionary<int, string> ForClass(Type type)
    {
        var names = new Dictionary<int, string>();
        for (Type? t = type; t is not null; t = t.BaseType)
            AddFields(t, 0, "", names, depth: 0);
        return names;
    }

    /// <summary>Reference slots inside one unboxed struct, by offset from the struct's start.</summary>
    public static Dictionary<int, string> ForStruct(Type type)
    {
        var names = new Dictionary<int, string>();
        AddFields(type, 0, "", names, depth: 0);
        return names;
    }

    private static void AddFields(Type type, nint baseOffset, string prefix, Dictionary<int, string> names, int depth)
    {
        if (depth > 16) return; // a guard; structs cannot contain themselves
        foreach (FieldInfo field in type.GetFields(Instance))
            AddSlot(field.FieldType, baseOffset + OffsetOf(field), prefix + Display(field.Name), names, depth);
    }

    private static void AddSlot(Type fieldType, nint offset, string name, Dictionary<int, string> names, int depth)
    {
        if (!fieldType.IsValueType)
        {
            if (!fieldType.IsPointer && !fieldType.IsFunctionPointer) names.TryAdd((int)offset, name);
            return;
        }
        if (fieldType.IsPrimitive || fieldType.IsEnum) return;
        if (fieldType.GetCustomAttribute<InlineArrayAttribute>() is { } inline)
        {
            FieldInfo element = fieldType.GetFields(Instance).Single();
            int stride = RuntimeHelpers.SizeOf(fieldType.TypeHandle) / inline.Length;
            for (int i = 0; i < inline.Length; i++)
                AddSlot(element.FieldType, offset + i * stride, $"{name}[{i}]", names, depth + 1);
            return;
        }
        AddFields(fieldType, offset, name + ".", names, depth + 1);
    }

    /// <summary>A field's name as a C# reader knows it: an auto-property's "&lt;Name&gt;k__BackingField" becomes "Name".</summary>
    public static string Display(string? name)
    {
        if (name is null) return "?";
        const string Suffix = ">k__BackingField";
        return name.Length > Suffix.Length + 1 && name[0] == '<' && name.EndsWith(Suffix, StringComparison.Ordinal) ? name[1..^Suffix.Length] : name;
    }
}
