using System.Runtime.CompilerServices;
using Heapmon.Model;
using Heapmon.Sizing;

namespace Heapmon.Tracking;

/// <summary>
/// Sizes a snapshot's objects with one <see cref="Sizer"/> (Pympler: the tracker's Asizer): the
/// sizer stops at every tracked object it reaches, so none is counted inside another, and its
/// seen-set gives shared data to the first object, in announcement order, that reaches it.
/// </summary>
/// <remarks>
/// Snapshots are serialised, so one sizer serves them all: reset, it keeps its capacity, and 10
/// snapshots a second do not reallocate a 100,000-object seen-set on the large-object heap each time.
/// When no object asks for a referent tree (the common case), one <see cref="Sizer.SizeAll"/> sizes
/// them all: the tracked objects are marked seen up front, which stops the walk at each of them for
/// free. With referent trees, tracked objects are stopped by a <see cref="SizingOptions.StopWhen"/>
/// test against the snapshot's own identity set and each object is sized by its own call.
/// </remarks>
internal sealed class SizerMeasurer : ISnapshotMeasurer
{
    private readonly SizingOptions _options;
    private IdentitySet _tracked = new();
    private Sizer? _sizer;
    private Sizer? _batchSizer;

    public SizerMeasurer(SizingOptions options) => _options = options;

    [MethodImpl(SnapshotCode.OncePerCall)]
    public void Measure(ReadOnlySpan<object> objects, ReadOnlySpan<int> levels, Span<long> sizes, Span<long> flats, Span<ReferentNode?> trees)
    {
        if (!levels.ContainsAnyExcept(0))
        {
            MeasureDeepOnly(objects, sizes, flats);
            return;
        }
        Sizer sizer = _sizer ??= NewSizer();
        sizer.Reset();
        _tracked.Fill(objects);
        try
        {
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
        finally
        {
            // Both hold strong references: let go of them until the next snapshot.
            sizer.Reset();
            _tracked.Clear();
        }
    }

    /// <summary>Deep and flat sizes only, in one batch: the same sizes as one <see cref="Sizer.Deep"/> per object with the others excluded.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    private void MeasureDeepOnly(ReadOnlySpan<object> objects, Span<long> sizes, Span<long> flats)
    {
        Sizer sizer = _batchSizer ??= new Sizer(_options);
        sizer.SizeAll(objects, sizes, flats);
    }

    public void Release()
    {
        _sizer = null;
        _batchSizer = null;
        _tracked = new IdentitySet();
    }

    private Sizer NewSizer()
    {
        IdentitySet tracked = _tracked;
        Func<object, bool>? userStop = _options.StopWhen;
        return new Sizer(_options with
        {
            StopWhen = userStop is null ? tracked.Contains : obj => tracked.Contains(obj) || userStop(obj),
        });
    }

    private static ReferentNode Convert(SizedObject node)
    {
        var children = new ReferentNode[node.Referents.Count];
        for (int i = 0; i < children.Length; i++) children[i] = Convert(node.Referents[i]);
        return new ReferentNode(node.Name, TypeNames.Display(node.Type), node.Size, node.Flat, children);
    }
}
