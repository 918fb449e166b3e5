using System.Runtime.CompilerServices;

namespace Heapmon.Demo;

/// <summary>
/// The heap `heapmon garbage --demo` analyses: the shapes of the Heapmonitor's "Breaking Reference
/// Cycles" tutorial (a document whose sections point back to it, a doubly linked pair, a self-reference) and a
/// leak (a section subscribed to a static event through a closure).
/// </summary>
internal static class GarbageDemo
{
    /// <summary>The demo's roots: kept here so the objects live while they are analysed.</summary>
    public static object[] Roots { get; private set; } = [];

    /// <summary>Builds the demo heap; returns the section that only the static event keeps alive.</summary>
    public static Section Build()
    {
        var doc = new Document("Heapmon");
        foreach (string heading in new[] { "Introduction", "Usage", "Tracking Garbage" }) doc.Add(heading);
        var first = new Node("first");
        var second = new Node("second") { Prev = first };
        first.Next = second;
        var loner = new Node("loner");
        loner.Next = loner;
        Roots = [doc, first, loner];

        // The leak: a fourth section subscribes to a static event and is then removed from the document.
        doc.Add("Appendix");
        Section leaked = doc.Sections[3];
        Settings.Changed += (_, _) => leaked.Touch();
        doc.Sections.RemoveAt(3);
        return leaked;
    }

    /// <summary>Leaves <paramref name="count"/> undisposed finalizable files behind.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LeaveUndisposedFiles(int count)
    {
        for (int i = 0; i < count; i++) _ = new TempFile();
    }

    public static void Clear()
    {
        Roots = [];
        Settings.Clear();
    }
}

internal static class Settings
{
    public static event EventHandler? Changed;

    public static void Clear() => Changed = null;

    public static void Raise() => Changed?.Invoke(null, EventArgs.Empty);
}

internal sealed class Document(string title)
{
    public readonly string Title = title;
    public readonly List<Section> Sections = [];

    public void Add(string heading) => Sections.Add(new Section(heading, this));
}

internal sealed class Section(string heading, Document parent)
{
    public readonly string Heading = heading;
    public readonly Document Parent = parent;
    public int Touches;

    public void Touch() => Touches++;
}

internal sealed class Node(string name)
{
    public readonly string Name = name;
    public Node? Next;
    public Node? Prev;
}

/// <summary>A FileStream-like object that relies on its finalizer when nobody disposes it.</summary>
internal sealed class TempFile : IDisposable
{
    private readonly byte[] _buffer = new byte[16];

    public void Dispose() => GC.SuppressFinalize(this);

    ~TempFile() => _buffer[0] = 1;
}
