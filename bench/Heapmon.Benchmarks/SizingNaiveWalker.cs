using System.Reflection;
using Heapmon.Sizing;

namespace Heapmon.Benchmarks;

/// <summary>
/// The baseline: what a deep sizer looks like without layouts: FieldInfo.GetValue per field per object,
/// a reference-equality HashSet, arrays through System.Array. Sizes come from ObjectSize.Shallow, so
/// only the traversal is compared.
/// </summary>
internal static class NaiveWalker
{
    private static readonly Dictionary<Type, FieldInfo[]> s_fields = [];

    public static long Deep(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance) { root };
        var pending = new Stack<object>();
        pending.Push(root);
        long total = 0;
        while (pending.Count > 0)
        {
            object obj = pending.Pop();
            total += ObjectSize.Shallow(obj);
            Type type = obj.GetType();
            if (obj is Array array)
            {
                if (type.GetElementType()!.IsValueType) continue;
                foreach (object? element in array)
                    if (element is not null && seen.Add(element)) pending.Push(element);
                continue;
            }
            foreach (FieldInfo field in FieldsOf(type))
                if (field.GetValue(obj) is { } value && seen.Add(value) && !field.FieldType.IsValueType)
                    pending.Push(value);
        }
        return total;
    }

    private static FieldInfo[] FieldsOf(Type type)
    {
        if (s_fields.TryGetValue(type, out FieldInfo[]? fields)) return fields;
        var list = new List<FieldInfo>();
        for (Type? t = type; t is not null; t = t.BaseType)
            list.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.FieldType.IsValueType));
        return s_fields[type] = [.. list];
    }
}
