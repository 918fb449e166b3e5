using Heapmon.Allocations;
using Heapmon.Model;

namespace Heapmon.Tests.Allocations;

public sealed class FilterTests
{
    private static readonly TraceFrame[] Stack =
    [
        new("/src/app/data/Loader.cs", 120, "App.Load"),
        new("/src/app/Program.cs", 10, "App.Main"),
    ];

    [Theory]
    [InlineData("*Loader.cs", true)]
    [InlineData("/src/*/data/*", true)]
    [InlineData("Loader.cs", false)] // the whole name must match
    [InlineData("*", true)]
    [InlineData("*loader.cs", false)] // case-sensitive on Linux
    public void Patterns_match_whole_file_names_with_star_for_any_substring(string pattern, bool expected) =>
        Assert.Equal(expected, new Filter(true, pattern).MatchFilename("/src/app/data/Loader.cs"));

    [Fact]
    public void Line_numbers_narrow_a_match_and_zero_means_any()
    {
        Assert.True(new Filter(true, "*Loader.cs", 120).Match("/x/Loader.cs", 120));
        Assert.False(new Filter(true, "*Loader.cs", 121).Match("/x/Loader.cs", 120));
        Assert.Null(new Filter(true, "*", 0).LineNumber);
        Assert.True(new Filter(true, "*", 0).MatchLineNumber(5));
    }

    [Fact]
    public void Most_recent_frame_only_unless_traceback_is_set()
    {
        Assert.False(new Filter(true, "*Program.cs").MatchTraceback(Stack));
        Assert.True(new Filter(true, "*Program.cs", traceback: true).MatchTraceback(Stack));
        Assert.True(new Filter(true, Filter.UnknownFile).MatchTraceback([]));
    }

    [Fact]
    public void Includes_are_alternatives_and_any_exclude_wins()
    {
        Filter[] filters = [new(true, "*Other.cs"), new(true, "*Loader.cs")];
        Assert.True(Filter.Accepts(filters, Stack));
        Assert.False(Filter.Accepts([.. filters, new Filter(false, "*Main*"), new Filter(false, "*Program.cs", traceback: true)], Stack));
        Assert.False(Filter.Accepts([new Filter(true, "*Other.cs")], Stack));
        Assert.True(Filter.Accepts([], Stack));
    }

    [Fact]
    public void Empty_pattern_is_refused() => Assert.Throws<ArgumentException>(() => new Filter(true, ""));
}
