namespace Heapmon.Tracking;

/// <summary>
/// Decides when a periodic snapshot may find new class instances with a walk of the young
/// generations only (DESIGN.md mechanism 4) instead of a full GC and a whole-heap walk.
/// </summary>
/// <remarks>
/// The Heap layer's young walk starts with a gen1 GC, which promotes gen1 survivors to gen2 before
/// the walk: an instance created after the last walk and already promoted to gen1 by some GC in
/// between would be missed. So the young walk is used only when no GC at all ran since the last
/// complete walk, the tracked classes are the same, and none of them can have instances on the
/// large-object heap (which the young walk skips). Otherwise the walk is full: never a silent miss.
/// </remarks>
internal sealed class WalkPolicy
{
    private int _gcCountAfterWalk = -1;
    private Type[] _walked = [];

    public bool YoungWalkSuffices(Type[] classes)
        => _gcCountAfterWalk == GC.CollectionCount(0)
           && classes.AsSpan().SequenceEqual(_walked)
           && !Array.Exists(classes, MayBeLarge);

    public void Completed(Type[] classes)
    {
        _walked = classes;
        _gcCountAfterWalk = GC.CollectionCount(0);
    }

    /// <summary>Whether instances may be large objects: arrays and strings, and the types they derive from or implement.</summary>
    private static bool MayBeLarge(Type type)
        => type.IsArray || type == typeof(string) || type == typeof(object) || type == typeof(Array)
           || type.IsInterface && (type.IsAssignableFrom(typeof(int[])) || type.IsAssignableFrom(typeof(string))
               || type.IsGenericTypeDefinition && typeof(int[]).GetInterfaces().Concat(typeof(string).GetInterfaces())
                   .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == type));
}
