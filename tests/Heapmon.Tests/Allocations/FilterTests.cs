using Heapmon.Allocations;
using Heapmon.Model;

namespace Heapmon.Tests.Allocations;

public sealed class FilterTests
{
    private static readonly TraceFrame[] s_stack =
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
    public void LineNumbersNarrowAMatchAndZeroMeansAny()
    {
        Assert.True(new Filter(true, "*Loader.cs", 120).Match("/x/Loader.cs", 120));
        Assert.False(new Filter(true, "*Loader.cs", 121).Match("/x/Loader.cs", 120));
        Assert.Null(new Filter(true, "*", 0).LineNumber);
        Assert.True(new Filter(true, "*", 0).MatchLineNumber(5));
    }

    [Fact]
    public void MostRecentFrameOnlyUnlessTracebackIsSet()
    {
        Assert.False(new Filter(true, "*Program.cs").MatchTraceback(s_stack));
        Assert.True(new Filter(true, "*Program.cs", traceback: true).MatchTraceback(s_stack));
        Assert.True(new Filter(true, Filter.UnknownFile).MatchTraceback([]));
    }

    [Fact]
    public void IncludesAreAlternativesAndAnyExcludeWins()
    {
        Filter[] filters = [new(true, "*Other.cs"), new(true, "*Loader.cs")];
        Assert.True(Filter.Accepts(filters, s_stack));
        Assert.False(Filter.Accepts([.. filters, new Filter(false, "*Main*"), new Filter(false, "*Program.cs", traceback: true)], s_stack));
        Assert.False(Filter.Accepts([new Filter(true, "*Other.cs")], s_stack));
        Assert.True(Filter.Accepts([], s_stack));
    }

    [Fact]
    public void EmptyPatternIsRefused() => Assert.Throws<ArgumentException>(() => new Filter(true, ""));
}
