namespace Heapmon.Garbage;

/// <summary>Field names as a C# reader knows them: an auto-property's "&lt;Name&gt;k__BackingField" becomes "Name".</summary>
internal static class FieldNames
{
    public static string Display(string? name)
    {
        if (name is null) return "?";
        const string suffix = ">k__BackingField";
        return name.Length > suffix.Length + 1 && name[0] == '<' && name.EndsWith(suffix, StringComparison.Ordinal)
            ? name[1..^suffix.Length]
            : name;
    }
}
