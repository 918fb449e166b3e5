namespace Heapmon.Tests.Target;

// A dozen type shapes with known instance counts: classes, subclasses, generics (open and closed,
// with a generic subclass), nested, boxed structs, interfaces (open generic too), records, arrays.
#pragma warning disable CA1812
public class Plain { public int Id; }
public class Derived : Plain { public long Extra; }
public sealed class Derived2 : Derived { public string? Name; }
public class Box<T>(T value) { public T Value = value; }
public sealed class IntBox(int value) : Box<int>(value);
public static class Outer { public sealed class Inner { public double X; } }
public struct Point { public int X, Y; }
public struct Pair<TA, TB> { public TA A; public TB B; }
public interface IShape { double Area { get; } }
public sealed class Circle(double r) : IShape { public double Area => Math.PI * r * r; }
public sealed class Square(double s) : IShape { public double Area => s * s; }
public struct Tile : IShape { public double Side; public readonly double Area => Side * Side; }
public interface IHolder<T> { T Held { get; } }
public sealed class Holder<T>(T held) : IHolder<T> { public T Held { get; } = held; }
public abstract class Animal { public int Legs = 4; }
public sealed class Dog : Animal;
public sealed class Cat : Animal;
public sealed record Person(string Name, int Age);
#pragma warning restore CA1812

/// <summary>One discovery query and the number of live instances it must find.</summary>
public sealed record ShapeQuery(string Name, Type[] Types, bool IncludeSubclasses, int Expected);

/// <summary>Builds the known population: makes instances, drops some, and says what each query must find.</summary>
public sealed class Population
{
    private readonly List<object> _kept = [];

    public IReadOnlyList<object> Kept => _kept;

    public IReadOnlyList<ShapeQuery> Queries { get; }

    public Population()
    {
        int plain = Make(301, i => new Plain { Id = i });
        int derived = Make(202, i => new Derived { Id = i });
        int derived2 = Make(53, i => new Derived2 { Id = i, Name = "d" });
        int boxInt = Make(120, i => new Box<int>(i));
        int boxString = Make(64, i => new Box<string>("s"));
        int boxPlain = Make(33, i => new Box<Plain>(new Plain()));   // each also makes one Plain
        int intBox = Make(45, i => new IntBox(i));
        int inner = Make(77, i => new Outer.Inner { X = i });
        int point = Make(150, i => (object)new Point { X = i, Y = -i });
        int pair = Make(88, i => (object)new Pair<int, long> { A = i, B = i });
        int circle = Make(31, i => new Circle(i));
        int square = Make(29, i => new Square(i));
        int tile = Make(17, i => (object)new Tile { Side = i });
        int holderInt = Make(40, i => new Holder<int>(i));
        int holderString = Make(21, i => new Holder<string>("h"));
        int dog = Make(60, i => new Dog());
        int cat = Make(70, i => new Cat());
        int person = Make(99, i => new Person("p", i));
        int arrays = Make(12, i => new Plain[i]);
        plain += boxPlain;
        // The Plains inside the kept boxes are live too (a plain loop: LINQ's ToArray could leave
        // pooled Plain[] buffers alive and spoil the array count).
        for (int i = 0, n = _kept.Count; i < n; i++)
            if (_kept[i] is Box<Plain> box) _kept.Add(box.Value);
        Queries =
        [
            new("class, exact", [typeof(Plain)], false, plain),
            new("class with subclasses", [typeof(Plain)], true, plain + derived + derived2),
            new("subclass, exact", [typeof(Derived)], false, derived),
            new("closed generic", [typeof(Box<int>)], false, boxInt),
            new("open generic", [typeof(Box<>)], false, boxInt + boxString + boxPlain),
            new("open generic with subclasses", [typeof(Box<>)], true, boxInt + boxString + boxPlain + intBox),
            new("nested class", [typeof(Outer.Inner)], false, inner),
            new("boxed struct", [typeof(Point)], false, point),
            new("boxed generic struct", [typeof(Pair<int, long>)], false, pair),
            new("interface", [typeof(IShape)], false, circle + square + tile),
            new("open generic interface", [typeof(IHolder<>)], false, holderInt + holderString),
            new("abstract base with subclasses", [typeof(Animal)], true, dog + cat),
            new("record", [typeof(Person)], false, person),
            new("array type", [typeof(Plain[])], false, arrays),
            new("two types at once", [typeof(Dog), typeof(Circle)], false, dog + circle),
        ];
    }

    /// <summary>Makes 2n instances and keeps n (every other one), so the dropped half must not be found after a GC.</summary>
    private int Make(int n, Func<int, object> create)
    {
        for (int i = 0; i < 2 * n; i++)
        {
            object o = create(i);
            if (i % 2 == 0) _kept.Add(o);
        }
        return n;
    }
}
