using System.Text;

namespace Heapmon.Tracking;

/// <summary>Readable type names for reports: <c>Ns.Outer+Inner</c>, <c>Ns.Box&lt;System.Int32&gt;</c>, <c>Ns.Box&lt;&gt;</c>.</summary>
internal static class TypeNames
{
    /// <summary>The full display name of <paramref name="type"/>, with generic arguments written out.</summary>
    public static string Display(Type type)
    {
        var text = new StringBuilder();
        Append(text, type, full: true);
        return text.ToString();
    }

    /// <summary>The name without namespace, for object names (<c>Employee#12</c>).</summary>
    public static string Short(Type type)
    {
        var text = new StringBuilder();
        Append(text, type, full: false);
        return text.ToString();
    }

    private static void Append(StringBuilder text, Type type, bool full)
    {
        if (type.IsArray)
        {
            Append(text, type.GetElementType()!, full);
            text.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }
        if (type.IsNested && !type.IsGenericParameter)
        {
            Append(text, type.DeclaringType!, full);
            text.Append('+');
        }
        else if (full && type.Namespace is { Length: > 0 } ns)
        {
            text.Append(ns).Append('.');
        }
        string name = type.Name;
        int tick = name.IndexOf('`');
        text.Append(tick < 0 ? name : name[..tick]);
        if (!type.IsGenericType || tick < 0) return;
        text.Append('<');
        if (!type.IsGenericTypeDefinition)
        {
            Type[] args = type.GetGenericArguments();
            int own = int.Parse(name[(tick + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            for (int a = args.Length - own; a < args.Length; a++)
            {
                if (a > args.Length - own) text.Append(", ");
                Append(text, args[a], full);
            }
        }
        else
        {
            int own = int.Parse(name[(tick + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            text.Append(',', own - 1);
        }
        text.Append('>');
    }
}
