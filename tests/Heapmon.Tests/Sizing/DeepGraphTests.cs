using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>Graphs of any depth: the walk uses its own stack, never recursion.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class DeepGraphTests
{
    [Fact]
    public void ALinkedListOfTenMillionNodesIsSizedWithoutOverflowingTheStack()
    {
        const int length = 10_000_000;
        ShapeCorpus.Node head = ShapeCorpus.Chain(length);

        long deep = ObjectSize.Deep(head);

        Assert.Equal(length * ObjectSize.Shallow(head), deep);
        GC.KeepAlive(head);
    }
}
