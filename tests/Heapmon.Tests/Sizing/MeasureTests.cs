using Heapmon.Sizing;

namespace Heapmon.Tests.Sizing;

/// <summary>The per-referent tree (Pympler: asized): names, ordering, folding and consistency with Deep.</summary>
[Collection(HeapWalkCollection.Name)]
public sealed class MeasureTests
{
    private sealed class Order
    {
        public string? Customer;
        public int[]? Lines;
        public Dictionary<string, decimal>? Prices;
        public (string Code, object Extra) Pair;
        public string? Note = null; // a null reference: no referent
    }

    private static Order NewOrder() => new()
    {
        Customer = new string('c', 8),
        Lines = new int[40],
        Prices = new() { [new string('p', 3)] = 1.5m },
        Pair = (new string('k', 2), new object()),
    };

    [Fact]
    public void ReferentsAreNamedByFieldAndSortedLargestFirst()
    {
        Order order = NewOrder();
        SizedObject tree = ObjectSize.Measure(order, 1);

        Assert.Equal("Order", tree.Name);
        Assert.Equal(typeof(Order), tree.Type);
        Assert.Equal(["Prices", "Lines", "Customer", "Pair.Item1", "Pair.Item2"], tree.Referents.Select(r => r.Name));
        Assert.Equal(tree.Referents.OrderByDescending(r => r.Size).Select(r => r.Size), tree.Referents.Select(r => r.Size));
        Assert.Equal(ObjectSize.Deep(order.Prices!), tree.Referents[0].Size);
        Assert.Equal(ObjectSize.Shallow(order.Lines!), tree.Referents[1].Flat);
        Assert.All(tree.Referents, r => Assert.Empty(r.Referents));
    }

    [Fact]
    public void EveryNodeIsItsFlatSizePlusItsReferentsAndTheRootIsTheDeepSize()
    {
        foreach ((string name, Func<object> create) in ShapeCorpus.All)
        {
            object root = create();
            SizedObject tree = ObjectSize.Measure(root, 4);
            Assert.True(ObjectSize.Deep(root) == tree.Size, name);
            Check(tree, level: 0);
        }

        static void Check(SizedObject node, int level)
        {
            if (level < 4) Assert.Equal(node.Flat + node.Referents.Sum(r => r.Size), node.Size);
            else Assert.Empty(node.Referents);
            foreach (SizedObject child in node.Referents) Check(child, level + 1);
        }
    }

    [Fact]
    public void DeeperObjectsAreFoldedIntoTheirAncestorAtTheRequestedDetail()
    {
        Order order = NewOrder();
        SizedObject shallow = ObjectSize.Measure(order, 0);
        SizedObject two = ObjectSize.Measure(order, 2);

        Assert.Empty(shallow.Referents);
        Assert.Equal(ObjectSize.Deep(order), shallow.Size);
        Assert.Equal(ObjectSize.Shallow(order), shallow.Flat);
        SizedObject prices = two.Referents.Single(r => r.Name == "Prices");
        Assert.Contains(prices.Referents, r => r.Name == "_entries");
        Assert.All(prices.Referents, r => Assert.Empty(r.Referents));
    }

    [Fact]
    public void ArrayElementsAreNamedByIndex()
    {
        var jagged = new[] { new int[5], null!, new int[1] };
        var grid = new object[2, 3];
        grid[1, 2] = new object();
        var pairs = new[] { KeyValuePair.Create(new string('a', 1), 1), KeyValuePair.Create(new string('b', 9), 2) };

        Assert.Equal(["[0]", "[2]"], ObjectSize.Measure(jagged, 1).Referents.Select(r => r.Name));
        Assert.Equal("[1,2]", ObjectSize.Measure(grid, 1).Referents.Single().Name);
        Assert.Equal(["[1].key", "[0].key"], ObjectSize.Measure(pairs, 1).Referents.Select(r => r.Name));
    }

    [Fact]
    public void AnyDetailWorksOnAChainLongerThanTheStackCouldRecurse()
    {
        ShapeCorpus.Node head = ShapeCorpus.Chain(200_000);
        SizedObject tree = ObjectSize.Measure(head, 200_000);

        int depth = 0;
        for (SizedObject node = tree; node.Referents.Count > 0; node = node.Referents[0]) depth++;
        Assert.Equal(199_999, depth);
        Assert.Equal(200_000 * ObjectSize.Shallow(head), tree.Size);
    }

    [Fact]
    public void NullAndNegativeDetailAreRefusedWithClearMessages()
    {
        var nullError = Assert.Throws<ArgumentNullException>(() => ObjectSize.Measure(null!, 1));
        Assert.Equal("obj", nullError.ParamName);
        Assert.Contains("was null", nullError.Message);

        var detailError = Assert.Throws<ArgumentOutOfRangeException>(() => ObjectSize.Measure(new object(), -1));
        Assert.Equal("detail", detailError.ParamName);
        Assert.Contains("must be 0 or more", detailError.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sizer().Measure(new object(), -2));
        Assert.Throws<ArgumentNullException>(() => ObjectSize.Shallow(null!));
        Assert.Throws<ArgumentNullException>(() => ObjectSize.Deep(null!));
    }
}
