using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;

namespace Heapmon.Tests.Sizing;

/// <summary>The object shapes every exactness test sizes: one builder per shape, named for failure messages.</summary>
internal static class ShapeCorpus
{
    public static IReadOnlyList<(string Name, Func<object> Create)> All { get; } =
    [
        ("object", () => new object()),
        ("empty class", () => new Empty()),
        ("class of primitives", () => new Primitives { A = 1, B = 2, C = 3, D = true }),
        ("class with references and a base class", () => new Derived { Name = Text("derived"), Tail = new Empty(), Extra = [1, 2, 3] }),
        ("boxed int", () => (object)42),
        ("boxed enum", () => (object)DayOfWeek.Friday),
        ("boxed Guid", () => (object)Guid.NewGuid()),
        ("boxed struct holding references", () => (object)new KeyValuePair<string, object>(Text("key"), new int[4])),
        ("boxed ValueTuple", () => (object)(Text("a"), 7, new object())),
        ("runtime string", () => Text("hello, world")),
        ("string literal (frozen root)", () => "a literal"),
        ("byte[13]", () => new byte[13]),
        ("bool[7]", () => new bool[7]),
        ("empty int[]", () => new int[0]),
        ("char[]", () => "characters".ToCharArray()),
        ("object[] mixed", () => new object[] { Text("s"), 1, new int[2], null!, new Empty() }),
        ("string[] sharing one string", () => Shared()),
        ("jagged int[][]", () => new[] { new int[3], new int[0], new int[10] }),
        ("int[,]", () => new int[3, 4]),
        ("object[,] with references", () => new object[,] { { Text("a"), new Empty() }, { 5, null! } }),
        ("string[,,] rank 3", () => Rank3()),
        ("array of KeyValuePair<string,int>", () => new[] { new KeyValuePair<string, int>(Text("x"), 1), new KeyValuePair<string, int>(Text("y"), 2) }),
        ("array of (string,int,string)", () => new[] { (Text("a"), 1, Text("b")), (Text("c"), 2, (string)null!) }),
        ("array of nested structs with references", () => new[] { new Outer { In = new Inner { S = Text("i"), X = 1 }, N = 2, O = new Empty() }, new Outer() }),
        ("array of Guid (no references)", () => new Guid[5]),
        ("2-D array of structs holding references", () => StructGrid()),
        ("array of structs holding an inline array", () => new[] { new Slots { Count = 1, Items = InlineFour(Text("s0")) }, new Slots() }),
        ("inline array of references in a class", () => InlineHolder()),
        ("generic class over a reference type", () => new Box<string> { Value = Text("boxed") }),
        ("generic class over a value type", () => new Box<long> { Value = 5 }),
        ("record class", () => new Person(Text("Ada"), 36, [Text("math")])),
        ("record struct, boxed", () => (object)new Point(1, 2, Text("label"))),
        ("Tuple<int,string,object>", () => Tuple.Create(1, Text("t"), new object())),
        ("Dictionary<string,int>", () => Enumerable.Range(0, 20).ToDictionary(i => Text("k" + i), i => i)),
        ("Dictionary<int,List<string>>", () => Enumerable.Range(0, 5).ToDictionary(i => i, i => new List<string> { Text("v" + i) })),
        ("List<int>", () => Enumerable.Range(0, 100).ToList()),
        ("List<object> nested", () => new List<object> { new List<object> { Text("inner") }, new Empty(), 3 }),
        ("HashSet<string>", () => new HashSet<string>(Enumerable.Range(0, 30).Select(i => Text("h" + i)))),
        ("ConcurrentDictionary<string,int>", () => new ConcurrentDictionary<string, int>(Enumerable.Range(0, 10).Select(i => KeyValuePair.Create(Text("c" + i), i)))),
        ("Queue<string>", () => new Queue<string>([Text("q1"), Text("q2")])),
        ("Stack<object>", () => new Stack<object>([new Empty(), Text("s")])),
        ("SortedDictionary<int,string>", () => new SortedDictionary<int, string> { [3] = Text("c"), [1] = Text("a"), [2] = Text("b") }),
        ("LinkedList<int>", () => new LinkedList<int>([1, 2, 3, 4])),
        ("ImmutableList<string>", () => ImmutableList.Create(Text("i1"), Text("i2"), Text("i3"))),
        ("StringBuilder with chunks", () => new StringBuilder(16).Append('x', 100).Append(Text("tail"))),
        ("Memory<byte> owner from a pool", () => MemoryPool<byte>.Shared.Rent(64)),
        ("boxed Memory<char> over an array", () => (object)new Memory<char>(new char[32], 4, 8)),
        ("class holding ReadOnlyMemory<char> of a string", () => new MemoryHolder { Text = Text("memory text").AsMemory(2, 3) }),
        ("closure capturing an array", () => Closure()),
        ("delegate to another object's method", () => new Func<string>(new Derived { Name = Text("target") }.ToString)),
        ("multicast delegate", () => Multicast()),
        ("two objects in a cycle", () => Cycle()),
        ("object referring to itself", () => SelfLoop()),
        ("linked list of 1000 nodes", () => Chain(1000)),
        ("binary tree of depth 8", () => Tree(8)),
        ("object referring to Type and Assembly", () => new Reflective { Type = typeof(Person), Assembly = typeof(Person).Assembly, Name = Text("r") }),
        ("object referring to the current Thread", () => new Box<Thread> { Value = Thread.CurrentThread }),
        ("Lazy<T> evaluated", () => Evaluated()),
        ("exception with a message", () => new InvalidOperationException(Text("broken"))),
        ("WeakReference<T> (a weak edge)", () => new WeakReference<object>(new Empty())),
        ("large byte[] on the LOH", () => new byte[100_000]),
        ("large object[] on the LOH", () => Enumerable.Range(0, 12_000).Select(i => (object)(i % 3 == 0 ? Text("l") : null!)).ToArray()),
        ("interned runtime string", () => new Box<string> { Value = string.Intern(Text("interned-" + Environment.ProcessId)) }),
        ("class holding a string literal", () => new Box<string> { Value = "literal in a field" }),
    ];

    // Strings built at run time live on the GC heap; literals are frozen (not counted by default).
    private static string Text(string s) => new(s.AsSpan());

    private static string[] Shared()
    {
        string s = Text("shared");
        return [s, s, s, Text("other")];
    }

    private static string[,,] Rank3()
    {
        var a = new string[2, 2, 2];
        a[1, 0, 1] = Text("deep");
        return a;
    }

    private static KeyValuePair<string, object>[,] StructGrid()
    {
        var grid = new KeyValuePair<string, object>[2, 3];
        grid[1, 2] = KeyValuePair.Create(Text("k"), (object)new int[6]);
        grid[0, 1] = KeyValuePair.Create(Text("j"), (object)Text("v"));
        return grid;
    }

    private static Four InlineFour(object first)
    {
        var four = new Four();
        four[0] = first;
        four[3] = new Empty();
        return four;
    }

    private static InlineArrayHolder InlineHolder()
    {
        var holder = new InlineArrayHolder();
        holder.Slots[0] = Text("zero");
        holder.Slots[2] = new int[3];
        return holder;
    }

    private static Func<int> Closure()
    {
        int[] captured = new int[25];
        string label = Text("closure");
        return () => captured.Length + label.Length;
    }

    private static Action Multicast()
    {
        var list = new List<int>();
        Action a = () => list.Add(1);
        a += () => list.Add(2);
        a += new Derived().Touch;
        return a;
    }

    private static Node Cycle()
    {
        var a = new Node();
        var b = new Node { Next = a };
        a.Next = b;
        return a;
    }

    private static Node SelfLoop()
    {
        var n = new Node();
        n.Next = n;
        return n;
    }

    internal static Node Chain(int length)
    {
        var head = new Node();
        for (int i = 1; i < length; i++) head = new Node { Next = head };
        return head;
    }

    private static TreeNode Tree(int depth) =>
        depth == 0 ? new TreeNode() : new TreeNode { Left = Tree(depth - 1), Right = Tree(depth - 1) };

    private static Lazy<string> Evaluated()
    {
        var lazy = new Lazy<string>(() => Text("lazy value"));
        _ = lazy.Value;
        return lazy;
    }

    internal sealed class Empty;

    private sealed class Primitives
    {
        public byte A;
        public int B;
        public long C;
        public bool D;
    }

    private class Base
    {
        public string? Name;
        public long Id;
    }

    private sealed class Derived : Base
    {
        public object? Tail;
        public int[]? Extra;

        public void Touch() => Id++;

        public override string ToString() => Name ?? "";
    }

    private struct Inner
    {
        public long X;
        public string? S;
    }

    private struct Outer
    {
        public Inner In;
        public int N;
        public object? O;
    }

    [InlineArray(4)]
    private struct Four
    {
        private object? _element;
    }

    private struct Slots
    {
        public int Count;
        public Four Items;
    }

    private sealed class InlineArrayHolder
    {
        public int Count = 4;
        public Four Slots;
    }

    private sealed class Box<T>
    {
        public T? Value;
    }

    private sealed record Person(string Name, int Age, string[] Subjects);

    private readonly record struct Point(int X, int Y, string Label);

    private sealed class MemoryHolder
    {
        public ReadOnlyMemory<char> Text;
    }

    internal sealed class Node
    {
        public Node? Next;
    }

    private sealed class TreeNode
    {
        public TreeNode? Left;
        public TreeNode? Right;
    }

    private sealed class Reflective
    {
        public Type? Type;
        public System.Reflection.Assembly? Assembly;
        public string? Name;
    }
}
