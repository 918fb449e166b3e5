using Heapmon.Model;

namespace Heapmon.Garbage;

/// <summary>A GC root: its kind and a label ("static MyApp.Program.Changed", "strong GC handle 0x7f..").</summary>
/// <param name="Kind">The kind of root.</param>
/// <param name="Label">What the root is, in words.</param>
public sealed record GcRoot(GcRootKind Kind, string Label);
