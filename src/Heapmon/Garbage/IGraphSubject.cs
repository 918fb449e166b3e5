namespace Heapmon.Garbage;

/// <summary>What an <see cref="ObjectGraph"/>'s nodes are (live objects or heap addresses), turned into plain records.</summary>
internal interface IGraphSubject
{
    ObjectGraph Graph { get; }

    /// <summary>False when a limit stopped the walk before every reachable object was seen.</summary>
    bool Complete { get; }

    HeapObjectInfo Describe(int node);

    /// <summary>The field (or array element) of <paramref name="from"/> that refers to <paramref name="to"/>.</summary>
    string FieldName(int from, int to);
}
