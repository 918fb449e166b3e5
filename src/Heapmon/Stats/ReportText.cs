namespace Heapmon.Stats;

/// <summary>Fitting names into fixed-width report columns (Pympler: trunc).</summary>
internal static class ReportText
{
    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/>, ending in "..." when cut; one line always.</summary>
    public static string Truncate(string text, int width)
    {
        text = OneLine(text);
        return text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 3), "...");
    }

    /// <summary>Cuts from the left ("...Factory.Employee"): the end of a type name says the most.</summary>
    public static string TruncateLeft(string text, int width)
    {
        text = OneLine(text);
        return text.Length <= width ? text : string.Concat("...", text.AsSpan(text.Length - width + 3));
    }

    // A name with a line break or other control character would break the table: show it as '|', as Pympler does for '\n'.
    private static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        return string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = char.IsControl(source[i]) ? '|' : source[i];
        });
    }
}
