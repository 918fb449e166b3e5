using Heapmon.Sizing;

namespace Heapmon.Tracking;

/// <summary>
/// Sizes a snapshot's objects with one <see cref="Sizer"/> (Pympler: the tracker's Asizer): every
/// tracked object is excluded first, so none is counted inside another, and the sizer's seen-set
/// gives shared data to the first object in announcement order that reaches it.
/// </summary>
internal sealed class SizerMeasurer(SizingOptions options) : ISnapshotMeasurer
{
    public void Measure(ReadOnlySpan<object> objects, ReadOnlySpan<int> levels, Span<long> sizes, Span<long> flats, ReferentNode?[] trees)
    {
        var sizer = new Sizer(options);
        foreach (object obj in objects) sizer.Exclude(obj);
        for (int i = 0; i < objects.Length; i++)
        {
            if (levels[i] == 0)
            {
                flats[i] = ObjectSize.Shallow(objects[i]);
                sizes[i] = sizer.Deep(objects[i]);
                continue;
            }
            SizedObject tree = sizer.Measure(objects[i], levels[i]);
            sizes[i] = tree.Size;
            flats[i] = tree.Flat;
            trees[i] = Convert(tree);
        }
    }

    private static ReferentNode Convert(SizedObject node)
    {
        var children = new ReferentNode[node.Referents.Count];
        for (int i = 0; i < children.Length; i++) children[i] = Convert(node.Referents[i]);
        return new ReferentNode(node.Name, TypeNames.Display(node.Type), node.Size, node.Flat, children);
    }
}
