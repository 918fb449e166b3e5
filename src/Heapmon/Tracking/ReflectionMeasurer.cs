using System.Reflection;
using System.Runtime.CompilerServices;

namespace Heapmon.Tracking;

/// <summary>
/// Interim sizer for snapshots until the Sizing layer is merged: shallow sizes from the
/// MethodTable (DESIGN.md mechanism 1), referents by reflection, one seen-set per snapshot.
/// </summary>
internal sealed unsafe class ReflectionMeasurer : ISnapshotMeasurer
{
    private static readonly ConditionalWeakTable<Type, FieldInfo[]> Fields = new();

    public void Measure(ReadOnlySpan<object> objects, ReadOnlySpan<int> levels, Span<long> sizes, Span<long> flats, ReferentNode?[] trees)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object o in objects) seen.Add(o); // tracked objects are never counted inside another
        for (int i = 0; i < objects.Length; i++)
        {
            flats[i] = Shallow(objects[i]);
            ReferentNode node = Walk(objects[i], TypeNames.Display(objects[i].GetType()), levels[i], seen);
            sizes[i] = node.Size;
            trees[i] = levels[i] > 0 ? node : null;
        }
    }

    private static ReferentNode Walk(object root, string name, int level, HashSet<object> seen)
    {
        long size = Shallow(root);
        var children = new List<ReferentNode>();
        foreach ((string childName, object child) in Referents(root))
        {
            if (!seen.Add(child)) continue;
            if (level > 0)
            {
                ReferentNode node = Walk(child, childName, level - 1, seen);
                children.Add(node);
                size += node.Size;
            }
            else
            {
                size += Deep(child, seen);
            }
        }
        children.Sort((a, b) => b.Size.CompareTo(a.Size));
        return new ReferentNode(name, TypeNames.Display(root.GetType()), size, Shallow(root), children);
    }

    private static long Deep(object start, HashSet<object> seen)
    {
        long total = 0;
        var stack = new Stack<object>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            object o = stack.Pop();
            total += Shallow(o);
            foreach ((_, object child) in Referents(o))
                if (seen.Add(child)) stack.Push(child);
        }
        return total;
    }

    private static IEnumerable<(string, object)> Referents(object o)
    {
        Type type = o.GetType();
        if (type == typeof(string) || type.IsPointer) yield break;
        if (o is Array array)
        {
            Type element = type.GetElementType()!;
            if (element.IsPrimitive || element.IsPointer || element.IsEnum) yield break;
            int index = 0;
            foreach (object? item in array)
            {
                if (item is not null)
                {
                    if (element.IsValueType)
                        foreach ((string n, object r) in Referents(item)) yield return ($"[{index}].{n}", r);
                    else yield return ($"[{index}]", item);
                }
                index++;
            }
            yield break;
        }
        foreach (FieldInfo field in Fields.GetValue(type, InstanceFields))
        {
            object? value = field.GetValue(o);
            if (value is null) continue;
            if (field.FieldType.IsValueType)
            {
                if (!field.FieldType.IsPrimitive && !field.FieldType.IsEnum)
                    foreach ((string n, object r) in Referents(value)) yield return ($"{field.Name}.{n}", r);
            }
            else yield return (field.Name, value);
        }
    }

    private static FieldInfo[] InstanceFields(Type type)
    {
        var fields = new List<FieldInfo>();
        for (Type? t = type; t is not null; t = t.BaseType)
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.FieldType.IsPointer && !f.FieldType.IsByRefLike));
        return fields.ToArray();
    }

    /// <summary>The CLR's size of <paramref name="o"/>: base size from the MethodTable plus component size × length, rounded to 8.</summary>
    internal static long Shallow(object o)
    {
        nint mt = o.GetType().TypeHandle.Value;
        uint flags = *(uint*)mt;
        long size = *(uint*)(mt + 4);
        if ((flags & 0x80000000) != 0)
        {
            long length = o is Array a ? a.LongLength : ((string)o).Length;
            size += (flags & 0xFFFF) * length;
        }
        return (size + 7) & ~7L;
    }
}
