using System.Text;

namespace Heapmon.Garbage;

/// <summary>Type names as ClrMD spells them ("System.Collections.Generic.List&lt;System.String&gt;", "Outer+Inner"), so both routes agree.</summary>
internal static class TypeNames
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> Cache = new();

    public static string Of(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var sb = new StringBuilder();
        Append(sb, t);
        return sb.ToString();
    });

    private static void Append(StringBuilder sb, Type type)
    {
        if (type.IsArray)
        {
            Append(sb, type.GetElementType()!);
            sb.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }
        if (type.IsNested && !type.IsGenericParameter)
        {
            Append(sb, type.DeclaringType!);
            sb.Append('+');
        }
        else if (type.Namespace is { Length: > 0 } ns)
        {
            sb.Append(ns).Append('.');
        }
        string name = type.Name;
        int tick = name.IndexOf('`');
        sb.Append(tick < 0 ? name : name[..tick]);
        if (type.IsGenericType && !type.IsGenericTypeDefinition && tick >= 0)
        {
            // Only this type's own arguments: the nested type's list starts with its outer types'.
            Type[] all = type.GetGenericArguments();
            int own = int.Parse(name.AsSpan(tick + 1), System.Globalization.CultureInfo.InvariantCulture);
            sb.Append('<');
            for (int i = all.Length - own; i < all.Length; i++)
            {
                if (i > all.Length - own) sb.Append(", ");
                Append(sb, all[i]);
            }
            sb.Append('>');
        }
    }
}
