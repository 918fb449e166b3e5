namespace Heapmon.Sizing;

/// <summary>C#-style type names for display: <c>Dictionary&lt;String, Int32&gt;</c>, <c>Int32[,]</c>.</summary>
internal static class TypeNames
{
    public static string Display(Type type)
    {
        if (type.IsArray)
            return Display(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        string name = type.Name;
        if (!type.IsGenericType) return name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0) name = name[..tick];
        return name + "<" + string.Join(", ", type.GetGenericArguments().Select(Display)) + ">";
    }
}
