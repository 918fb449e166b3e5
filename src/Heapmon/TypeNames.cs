using System.Text;

namespace Heapmon;

/// <summary>
/// Readable type names for every report: <c>Ns.Outer+Inner</c>, <c>Ns.Box&lt;System.Int32&gt;</c>, <c>Ns.Box&lt;&gt;</c>.
/// Closed types are spelt as ClrMD spells them, so names from a live walk and from ClrMD agree.
/// </summary>
internal static class TypeNames
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> s_cache = new();

    /// <summary>The full display name of <paramref name="type"/>, with generic arguments written out.</summary>
    public static string Display(Type type) => s_cache.GetOrAdd(type, static t =>
    {
        var text = new StringBuilder();
        Append(text, t, full: true);
        return text.ToString();
    });

    /// <summary>The name without namespace, for object names (<c>Employee#12</c>).</summary>
    public static string Short(Type type)
    {
        var text = new StringBuilder();
        Append(text, type, full: false);
        return text.ToString();
    }

    /// <summary>The bare name, without namespace or declaring types (<c>Dictionary&lt;String, Int32&gt;</c>): the root of a size tree.</summary>
    public static string Plain(Type type)
    {
        var text = new StringBuilder();
        Append(text, type, full: false, nesting: false);
        return text.ToString();
    }

    private static void Append(StringBuilder text, Type type, bool full, bool nesting = true)
    {
        if (type.IsArray)
        {
            Append(text, type.GetElementType()!, full, nesting);
            text.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }
        if (nesting && type.IsNested && !type.IsGenericParameter)
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
                Append(text, args[a], full, nesting);
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
