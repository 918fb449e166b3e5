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
    public void PatternsMatchFullNamesWithWildcardsAndSimpleNamesWithoutDots(string pattern, Type type, bool matches)
    {
        Assert.Equal(matches, TypePattern.Parse(pattern).Matches(type));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("*.*")]
    [InlineData("A,B")]
    [InlineData("List<int>")]
    [InlineData("List<int>[]")]
    [InlineData("byte[2]")]
    [InlineData("[]")]
    public void Patterns_that_name_no_type_are_refused(string pattern)
    {
        Assert.ThrowsAny<ArgumentException>(() => TypePattern.Parse(pattern));
    }

    [Theory]
    [InlineData("byte[]", typeof(byte), typeof(byte[]))]
    [InlineData("System.Byte[]", typeof(byte), typeof(byte[]))]
    [InlineData("string[]", typeof(string), typeof(string[]))]
    [InlineData("int[,]", typeof(int), typeof(int[,]))]
    [InlineData("Heapmon.Tests.Run.TypePatternTests.Inner[]", typeof(Inner), typeof(Inner[]))]
    [InlineData("*Inner[][]", typeof(Inner), typeof(Inner[][]))]
    [InlineData("long[][,]", typeof(long), typeof(long[][,]))]
    public void Array_patterns_name_the_element_and_make_the_array_type(string pattern, Type element, Type array)
    {
        TypePattern parsed = TypePattern.Parse(pattern);
        Assert.True(parsed.Matches(element));
        Assert.Equal(array, parsed.ArrayOf(element));
        Assert.True(TypePattern.IsTrackable(array));
    }

    [Theory]
    [InlineData("System.Byte", "System.Byte")]
    [InlineData("byte", "System.Byte")]
    [InlineData("int", "System.Int32")]
    [InlineData("System.DateTime", "System.DateTime")]
    public void ValueTypesAreRefusedWithWhatToTrackInstead(string pattern, string type)
    {
        var e = Assert.Throws<ArgumentException>(() => TypePattern.Parse(pattern));
        Assert.Equal($"--track '{pattern}': {type} is a value type: its values live inside other objects, not on the heap of their own; track the arrays ('{type}[]') or the classes that hold them.", e.Message);
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
