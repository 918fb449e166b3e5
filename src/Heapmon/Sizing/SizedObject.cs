using System.Globalization;

namespace Heapmon.Sizing;

/// <summary>
/// One node of a per-referent size tree (Pympler: Asized): an object's deep and flat size and, down
/// to the requested detail, its referents, largest first.
/// </summary>
public sealed class SizedObject
{
    internal SizedObject(string name, Type type, long size, long flat, IReadOnlyList<SizedObject> referents)
    {
        Name = name;
        Type = type;
        Size = size;
        Flat = flat;
        Referents = referents;
    }

    /// <summary>Field name (<c>items</c>, <c>pair.Key</c>), array index (<c>[3]</c>, <c>[1,2]</c>) or, at the root, the type name.</summary>
    public string Name { get; }

    /// <summary>The object's runtime type.</summary>
    public Type Type { get; }

    /// <summary>Deep size in bytes: the object and everything counted below it (Pympler: Asized.size).</summary>
    public long Size { get; }

    /// <summary>Shallow size in bytes of the object alone (Pympler: Asized.flat).</summary>
    public long Flat { get; }

    /// <summary>Referents that added bytes, largest first; empty below the requested detail (Pympler: Asized.refs).</summary>
    public IReadOnlyList<SizedObject> Referents { get; }

    /// <summary>
    /// Writes the tree as Pympler prints referents: indented names, deep and flat sizes, the share of
    /// this object and the level (Pympler: Asized.format).
    /// </summary>
    public void Format(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        SizeTreeFormatter.Write(writer, this);
    }

    /// <summary>One line: name, deep size and flat size (Pympler: Asized.__str__).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} size={Size} flat={Flat}");
}
