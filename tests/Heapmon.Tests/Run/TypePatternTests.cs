using Heapmon.StartupHook.Session;

namespace Heapmon.Tests.Run;

public sealed class TypePatternTests
{
    private sealed class Inner;

    [Theory]
    [InlineData("Heapmon.Tests.Run.TypePatternTests", typeof(TypePatternTests), true)]
    [InlineData("Heapmon.Tests.Run.TypePatternTest", typeof(TypePatternTests), false)]
    [InlineData("Heapmon.Tests.*", typeof(TypePatternTests), true)]
    [InlineData("Heapmon.Core.*", typeof(TypePatternTests), false)]
    [InlineData("*PatternTests", typeof(TypePatternTests), true)]
    [InlineData("*Pattern*", typeof(TypePatternTests), true)]
    [InlineData("TypePatternTests", typeof(TypePatternTests), true)]
    [InlineData("Heapmon.Tests.Run.TypePatternTests.Inner", typeof(Inner), true)]
    [InlineData("Heapmon.Tests.Run.TypePatternTests+Inner", typeof(Inner), true)]
    [InlineData("Inner", typeof(Inner), true)]
    [InlineData("System.Collections.Generic.List`1", typeof(List<>), true)]
    [InlineData("System.Collections.Generic.List*", typeof(List<>), true)]
    public void Patterns_match_full_names_with_wildcards_and_simple_names_without_dots(string pattern, Type type, bool matches)
    {
        Assert.Equal(matches, TypePattern.Parse(pattern).Matches(type));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("*.*")]
    [InlineData("A,B")]
    [InlineData("List<int>")]
    public void Patterns_that_name_no_type_are_refused(string pattern)
    {
        Assert.ThrowsAny<ArgumentException>(() => TypePattern.Parse(pattern));
    }

    [Theory]
    [InlineData(typeof(TypePatternTests), true)]
    [InlineData(typeof(Stream), true)]              // abstract: tracks its subclasses
    [InlineData(typeof(int), false)]                // a struct lives inline, not as an instance
    [InlineData(typeof(IDisposable), false)]
    [InlineData(typeof(Console), false)]            // static class
    [InlineData(typeof(Action), false)]
    public void Only_classes_with_heap_instances_are_trackable(Type type, bool trackable)
    {
        Assert.Equal(trackable, TypePattern.IsTrackable(type));
    }
}
