using System.Text.RegularExpressions;

namespace Heapmon.Stats;

/// <summary>
/// The class-name filter of <see cref="ConsoleStats.PrintStats"/>: plain text matches as a substring
/// (Pympler: <c>clsname in classname</c>); a pattern with <c>*</c> must match the whole full name or
/// the name after the last dot.
/// </summary>
internal sealed class ClassFilter
{
    private static readonly ClassFilter s_all = new(null, null);
    private readonly string? _substring;
    private readonly Regex? _wildcard;

    private ClassFilter(string? substring, Regex? wildcard) => (_substring, _wildcard) = (substring, wildcard);

    /// <summary>The filter for <paramref name="pattern"/>; null or empty matches every class.</summary>
    public static ClassFilter Parse(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern)) return s_all;
        if (!pattern.Contains('*')) return new ClassFilter(pattern, null);
        string regex = "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$";
        return new ClassFilter(null, new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.Singleline));
    }

    /// <summary>Whether <paramref name="className"/> passes the filter.</summary>
    public bool Matches(string className)
    {
        if (_substring is not null) return className.Contains(_substring, StringComparison.Ordinal);
        if (_wildcard is null) return true;
        int dot = className.LastIndexOf('.');
        return _wildcard.IsMatch(className) || (dot >= 0 && _wildcard.IsMatch(className[(dot + 1)..]));
    }
}
