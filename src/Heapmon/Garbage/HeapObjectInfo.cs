namespace Heapmon.Garbage;

/// <summary>
/// One object in a garbage report: plain data, never a live reference (Heapmonitor: a node of the
/// garbage graph). <see cref="Address"/> is where the object was during the analysis; the GC
/// moves objects, so it identifies the object within one report only.
/// </summary>
/// <param name="Address">Address of the object during the analysis.</param>
/// <param name="TypeName">Full type name, nested types joined with '+'.</param>
/// <param name="Size">Shallow size in bytes as the GC allocates it (rounded up to 8).</param>
/// <param name="Name">A short description when there is one: a string's text, a delegate's method; else null.</param>
public sealed record HeapObjectInfo(ulong Address, string TypeName, long Size, string? Name)
{
    /// <summary>"Type (name)" or "Type": the text used in reports and Graphviz labels.</summary>
    public string Display => Name is null ? TypeName : $"{TypeName} ({Name})";
}
